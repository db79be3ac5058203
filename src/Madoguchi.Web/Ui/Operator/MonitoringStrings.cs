namespace Madoguchi.Web.Ui.Operator;

/// <summary>Marker for the operator console's monitoring strings (MonitoringStrings.resx in English, MonitoringStrings.ja.resx in Japanese).</summary>
public sealed class MonitoringStrings;
