using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Ganss.Xss;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>HTML ready to show, and whether remote images were held back (so the UI can offer "show images").</summary>
public sealed record SanitizedHtml(string Html, bool HasBlockedRemoteContent);

/// <summary>Makes a message's HTML safe to display on its own, also where a client shows it without our iframe and
/// Content-Security-Policy: no scripts, event handlers, javascript: URLs, forms, frames or plug-ins; cid: images point
/// at our own part URLs; nothing else loads anything unless the reader allowed remote images (loading tells the sender
/// the mail was opened): every attribute that can load (src, srcset, background, poster, SVG href …) and every CSS
/// url(), image-set(), @import and font is removed, in whatever spelling (scheme-relative //host, backslashes \\host,
/// http:\\host, CSS escapes). Relative URLs would resolve to Madoguchi's own address and make the reader's browser
/// send signed-in requests there, so they never survive: links keep only absolute http, https and mailto.</summary>
public static partial class HtmlBodySanitizer
{
    private static readonly string[] RemovedTags =
        ["form", "input", "button", "select", "option", "textarea", "fieldset", "legend", "label", "iframe", "frame", "frameset", "object", "embed", "applet", "script", "link", "meta", "base",
         "svg", "math", "portal"];

    /// <summary>Attributes whose value a browser may fetch (or navigate to, for links).</summary>
    private static readonly HashSet<string> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "src", "href", "xlink:href", "background", "poster", "srcset", "imagesrcset", "lowsrc", "dynsrc", "longdesc", "cite", "action",
        "formaction", "data", "codebase", "classid", "archive", "usemap", "ping", "manifest", "icon", "profile", "itemtype", "attributionsrc",
    };

    /// <param name="html">The decoded HTML body.</param>
    /// <param name="rewriteContentId">Maps a Content-ID (without "cid:" and brackets) to the URL that serves the part.</param>
    /// <param name="allowRemoteImages">True once the reader chose to load remote images for this message.</param>
    public static SanitizedHtml Sanitize(string html, Func<string, string> rewriteContentId, bool allowRemoteImages)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(rewriteContentId);

        var blocked = false;
        var ours = new HashSet<string>(StringComparer.Ordinal);
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in RemovedTags)
            sanitizer.AllowedTags.Remove(tag);
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedAttributes.Remove("action");
        sanitizer.AllowedAttributes.Remove("formaction");
        sanitizer.AllowedAtRules.Clear();
        // Kept when the reader allows remote images; checked (and otherwise removed) below with the other loading attributes.
        sanitizer.AllowedAttributes.Add("srcset");
        sanitizer.AllowedAttributes.Add("background");
        sanitizer.UriAttributes.Add("background");

        // What the library removes on its own also counts as blocked when it would have loaded something remote.
        sanitizer.RemovingTag += (_, e) => blocked |= new[] { e.Tag }.Concat(e.Tag.QuerySelectorAll("*")).Any(el =>
            (el.LocalName == "style" && StyleSheetLoadsRemote(el.TextContent)) || el.Attributes.Any(a => AttributeLoadsRemote(a.Name, a.Value)));
        sanitizer.RemovingAttribute += (_, e) => blocked |= AttributeLoadsRemote(e.Attribute.Name, e.Attribute.Value);
        sanitizer.RemovingStyle += (_, e) => blocked |= StyleSheetLoadsRemote(e.Style.Value);
        sanitizer.RemovingAtRule += (_, e) => blocked |= StyleSheetLoadsRemote(e.Rule.CssText);

        sanitizer.FilterUrl += (_, e) =>
        {
            var original = Clean(e.OriginalUrl);
            if (original.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                e.SanitizedUrl = rewriteContentId(original[4..].Trim().Trim('<', '>'));
                if (!string.IsNullOrEmpty(e.SanitizedUrl))
                    ours.Add(e.SanitizedUrl);
            }
        };

        // The last word, on the finished tree: whatever the library let through is checked again here.
        sanitizer.PostProcessDom += (_, e) =>
        {
            foreach (var element in e.Document.Body?.QuerySelectorAll("*").ToList() ?? [])
            {
                if (element.LocalName == "style")
                {
                    var (kept, removed) = CleanStyleSheet(element.TextContent, allowRemoteImages);
                    blocked |= removed;
                    if (!kept)
                        element.Remove();
                    continue;
                }
                foreach (var attribute in element.Attributes.ToList())
                {
                    if (attribute.Name.Equals("style", StringComparison.OrdinalIgnoreCase))
                    {
                        var (css, removed) = CleanStyle(attribute.Value, allowRemoteImages);
                        blocked |= removed;
                        if (css.Length == 0)
                            element.RemoveAttribute(attribute.Name);
                        else if (css != attribute.Value)
                            element.SetAttribute(attribute.Name, css);
                        continue;
                    }
                    if (!UrlAttributes.Contains(attribute.Name) && !attribute.Name.EndsWith(":href", StringComparison.OrdinalIgnoreCase))
                        continue;
                    var verdict = Judge(element.LocalName, attribute.Name, attribute.Value, allowRemoteImages, ours);
                    if (verdict == Verdict.Keep)
                        continue;
                    element.RemoveAttribute(attribute.Name);
                    blocked |= verdict == Verdict.BlockedRemote;
                }
            }
        };

        var safe = sanitizer.Sanitize(html);
        // The CSS parser silently drops declarations it cannot read (url(\\host\x), vendor functions): they load
        // nothing here, but a browser might have read them, so the reader is still told something was held back.
        if (!blocked && !allowRemoteImages)
            blocked = StyleAttribute().Matches(html).Any(m => StyleSheetLoadsRemote(System.Net.WebUtility.HtmlDecode(m.Groups["v"].Value)));
        // With remote images allowed there is nothing more to show: what is still removed stays removed.
        return new SanitizedHtml(safe, blocked && !allowRemoteImages);
    }

    private static bool AttributeLoadsRemote(string name, string value)
    {
        if (name.Equals("style", StringComparison.OrdinalIgnoreCase))
            return StyleSheetLoadsRemote(value);
        if (name.ToLowerInvariant() is not ("src" or "srcset" or "imagesrcset" or "background" or "poster" or "lowsrc" or "dynsrc" or "href" or "xlink:href"))
            return false;
        return (name.EndsWith("srcset", StringComparison.OrdinalIgnoreCase) ? SrcsetUrls(value) : [Clean(value)]).Any(LooksRemote);
    }

    /// <summary>CSS that fetches something from another host (url(), image-set() strings, @import, fonts).</summary>
    private static bool StyleSheetLoadsRemote(string css)
    {
        var plain = Unescape(RemoveComments(css));
        if (!FetchingCss().IsMatch(plain))
            return false;
        return Clean(plain).Contains("//", StringComparison.Ordinal) || CssUrl().Matches(plain).Select(m => Clean(m.Groups["u"].Value)).Any(LooksRemote);
    }

    private enum Verdict
    {
        Keep,
        Removed,
        BlockedRemote,
    }

    private static Verdict Judge(string tag, string attribute, string value, bool allowRemote, HashSet<string> ours)
    {
        var url = Clean(value);
        var isLink = tag is "a" or "area" && attribute.Equals("href", StringComparison.OrdinalIgnoreCase);
        if (isLink)
            return IsAbsolute(url, "http", "https", "mailto") ? Verdict.Keep : Verdict.Removed;
        if (attribute.Equals("src", StringComparison.OrdinalIgnoreCase) && ours.Contains(value))
            return Verdict.Keep;
        var loads = attribute.ToLowerInvariant() is "src" or "srcset" or "imagesrcset" or "background" or "poster" or "lowsrc" or "dynsrc";
        if (!loads)
            return Verdict.Removed;
        var candidates = attribute.EndsWith("srcset", StringComparison.OrdinalIgnoreCase) ? SrcsetUrls(value) : [url];
        if (allowRemote && candidates.Count > 0 && candidates.All(c => IsAbsolute(c, "http", "https")))
            return Verdict.Keep;
        return candidates.Any(LooksRemote) ? Verdict.BlockedRemote : Verdict.Removed;
    }

    /// <summary>What a browser makes of a URL: surrounding and embedded whitespace and control characters dropped,
    /// backslashes read as slashes (http:\\host and \\host are http://host and //host to a browser).</summary>
    internal static string Clean(string? url)
    {
        var builder = new StringBuilder(url?.Length ?? 0);
        foreach (var c in url ?? "")
        {
            if (c <= ' ' || c == '\u007f' || char.IsWhiteSpace(c))
                continue;
            builder.Append(c == '\\' ? '/' : c);
        }
        return builder.ToString();
    }

    private static bool IsAbsolute(string url, params string[] schemes)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            return false;
        var scheme = url[..colon];
        if (!schemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
            return false;
        if (scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase))
            return true;
        // http:host or http:/path would be relative to our own site.
        return url.Length > colon + 3 && url[colon + 1] == '/' && url[colon + 2] == '/';
    }

    /// <summary>True for anything that would fetch from another host: absolute or scheme-relative URLs.</summary>
    private static bool LooksRemote(string url) => url.StartsWith("//", StringComparison.Ordinal) || url.Contains(':', StringComparison.Ordinal);

    private static List<string> SrcsetUrls(string srcset) =>
        [.. srcset.Split(',').Select(c => Clean(c.Trim().Split(' ', 2)[0])).Where(c => c.Length > 0)];

    /// <summary>CSS functions and at-rules that fetch something.</summary>
    [GeneratedRegex(@"url\s*\(|image-set\s*\(|image\s*\(|cross-fade\s*\(|element\s*\(|src\s*\(|paint\s*\(|@import|@font-face|expression\s*\(|behavior\s*:|-moz-binding", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FetchingCss();

    [GeneratedRegex(@"\sstyle\s*=\s*(?:""(?<v>[^""]*)""|'(?<v>[^']*)'|(?<v>[^\s>]+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"url\s*\(\s*(?<q>['""]?)(?<u>.*?)\k<q>\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CssUrl();

    [GeneratedRegex(@"\\([0-9a-fA-F]{1,6})\s?|\\(.)", RegexOptions.CultureInvariant)]
    private static partial Regex CssEscape();

    /// <summary>Removes every declaration that would fetch something, unless remote images are allowed and each of its
    /// URLs is absolute http(s). Returns the remaining declarations and whether a remote one was removed.</summary>
    internal static (string Css, bool BlockedRemote) CleanStyle(string css, bool allowRemote)
    {
        var kept = new List<string>();
        var blocked = false;
        foreach (var declaration in SplitDeclarations(css))
        {
            var plain = Unescape(declaration);
            if (!FetchingCss().IsMatch(plain))
            {
                kept.Add(declaration);
                continue;
            }
            var urls = CssUrl().Matches(plain).Select(m => Clean(m.Groups["u"].Value)).ToList();
            var onlyUrlFunctions = !FetchingCss().IsMatch(CssUrl().Replace(plain, ""));
            if (allowRemote && urls.Count > 0 && onlyUrlFunctions && urls.All(u => IsAbsolute(u, "http", "https")))
            {
                kept.Add(declaration);
                continue;
            }
            blocked |= urls.Count == 0 || urls.Any(LooksRemote) || !onlyUrlFunctions;
        }
        return (string.Join("; ", kept.Select(k => k.Trim()).Where(k => k.Length > 0)), blocked);
    }

    /// <summary>A &lt;style&gt; block stays only when nothing in it fetches (or, with remote images allowed, when all
    /// it fetches are absolute http(s) url()s and it imports nothing).</summary>
    internal static (bool Keep, bool BlockedRemote) CleanStyleSheet(string css, bool allowRemote)
    {
        var plain = Unescape(RemoveComments(css));
        if (!FetchingCss().IsMatch(plain))
            return (true, false);
        var urls = CssUrl().Matches(plain).Select(m => Clean(m.Groups["u"].Value)).ToList();
        var onlyUrlFunctions = !FetchingCss().IsMatch(CssUrl().Replace(plain, ""));
        if (allowRemote && onlyUrlFunctions && urls.All(u => IsAbsolute(u, "http", "https")))
            return (true, false);
        return (false, urls.Count == 0 || urls.Any(LooksRemote) || !onlyUrlFunctions);
    }

    private static string RemoveComments(string css) => Regex.Replace(css, @"/\*.*?\*/", "", RegexOptions.Singleline, TimeSpan.FromSeconds(1));

    private static string Unescape(string css) => CssEscape().Replace(css, m =>
    {
        if (!m.Groups[1].Success)
            return m.Groups[2].Value;
        var cp = int.Parse(m.Groups[1].Value, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        return cp is 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF) ? "\uFFFD" : char.ConvertFromUtf32(cp);
    });

    /// <summary>Splits a style attribute on semicolons outside quotes and parentheses.</summary>
    private static List<string> SplitDeclarations(string css)
    {
        var parts = new List<string>();
        var depth = 0;
        char? quote = null;
        var start = 0;
        for (var i = 0; i < css.Length; i++)
        {
            var c = css[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
                continue;
            }
            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth = Math.Max(0, depth - 1);
                    break;
                case ';' when depth == 0:
                    parts.Add(css[start..i]);
                    start = i + 1;
                    break;
            }
        }
        parts.Add(css[start..]);
        return parts;
    }
}
