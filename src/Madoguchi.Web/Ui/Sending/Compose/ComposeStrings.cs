namespace Madoguchi.Web.Ui.Sending.Compose;

/// <summary>Marker for compose's strings: 新規メール, signatures, address suggestions (ComposeStrings.resx in English,
/// ComposeStrings.ja.resx in Japanese).</summary>
public sealed class ComposeStrings;
