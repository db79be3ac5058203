namespace Madoguchi.Web.Ui.Plans;

/// <summary>Marker for the plan and option screens' strings (PlanStrings.resx in English, PlanStrings.ja.resx in Japanese).</summary>
public sealed class PlanStrings;
