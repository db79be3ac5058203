namespace Madoguchi.Web.Ui.Resources;

/// <summary>Marker for the UI's shared texts: Strings.resx (English) and Strings.ja.resx (Japanese).</summary>
public sealed class Strings;
