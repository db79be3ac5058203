using Ganss.Xss;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>HTML ready to show, and whether remote images were held back (so the UI can offer "show images").</summary>
public sealed record SanitizedHtml(string Html, bool HasBlockedRemoteContent);

/// <summary>Makes a message's HTML safe to display: no scripts, event handlers, javascript: URLs, forms,
/// frames or plug-ins; cid: images point at our own part URLs; remote images and CSS url() stay blocked
/// unless the reader allowed them, because loading them tells the sender the mail was opened.</summary>
public static class HtmlBodySanitizer
{
    private static readonly string[] RemovedTags =
        ["form", "input", "button", "select", "option", "textarea", "fieldset", "legend", "label", "iframe", "frame", "frameset", "object", "embed", "applet", "script", "link", "meta", "base"];

    /// <param name="html">The decoded HTML body.</param>
    /// <param name="rewriteContentId">Maps a Content-ID (without "cid:" and brackets) to the URL that serves the part.</param>
    /// <param name="allowRemoteImages">True once the reader chose to load remote images for this message.</param>
    public static SanitizedHtml Sanitize(string html, Func<string, string> rewriteContentId, bool allowRemoteImages)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(rewriteContentId);

        var blocked = false;
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in RemovedTags)
            sanitizer.AllowedTags.Remove(tag);
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedAttributes.Remove("action");
        sanitizer.AllowedAttributes.Remove("formaction");

        sanitizer.FilterUrl += (_, e) =>
        {
            var original = e.OriginalUrl.Trim();
            if (original.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                e.SanitizedUrl = rewriteContentId(original[4..].Trim().Trim('<', '>'));
                return;
            }

            if (allowRemoteImages || e.SanitizedUrl is null || IsLink(e))
                return;

            if (IsRemote(original))
            {
                e.SanitizedUrl = string.Empty;
                blocked = true;
            }
        };

        var safe = sanitizer.Sanitize(html);
        return new SanitizedHtml(safe, blocked);
    }

    /// <summary>A link's href loads nothing until clicked, so it is not remote content.</summary>
    private static bool IsLink(FilterUrlEventArgs e) =>
        e.Tag.LocalName is "a" or "area" && string.Equals(e.Tag.GetAttribute("href")?.Trim(), e.OriginalUrl.Trim(), StringComparison.Ordinal);

    private static bool IsRemote(string url) =>
        url.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("//", StringComparison.Ordinal) || url.StartsWith("ftp:", StringComparison.OrdinalIgnoreCase);
}
