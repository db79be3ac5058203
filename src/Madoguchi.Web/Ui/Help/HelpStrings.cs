namespace Madoguchi.Web.Ui.Help;

/// <summary>Marker for the help centre's and the support desk's strings (HelpStrings.resx in English, HelpStrings.ja.resx
/// in Japanese): the six guides, the status page's desk section, the notice banner and the operator's calendar screens.</summary>
public sealed class HelpStrings;
