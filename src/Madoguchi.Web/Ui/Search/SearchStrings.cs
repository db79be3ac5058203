namespace Madoguchi.Web.Ui.Search;

/// <summary>Marker for the search page's strings (SearchStrings.resx in English, SearchStrings.ja.resx in Japanese).</summary>
public sealed class SearchStrings;
