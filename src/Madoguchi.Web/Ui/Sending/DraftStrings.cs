namespace Madoguchi.Web.Ui.Sending;

/// <summary>Marker for the drafts' strings (DraftStrings.resx in English, DraftStrings.ja.resx in Japanese).</summary>
public sealed class DraftStrings;
