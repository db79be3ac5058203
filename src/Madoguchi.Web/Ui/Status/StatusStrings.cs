namespace Madoguchi.Web.Ui.Status;

/// <summary>Marker for the status page's and the status console's strings (StatusStrings.resx in English, StatusStrings.ja.resx in Japanese).</summary>
public sealed class StatusStrings;
