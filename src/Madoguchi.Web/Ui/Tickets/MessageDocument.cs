namespace Madoguchi.Web.Ui.Tickets;

/// <summary>The document shown in a message's sandboxed iframe: the already sanitized HTML, with a Content-Security-Policy
/// that again forbids scripts and, unless the reader allowed them, remote images; links open outside the app.
/// A sans-serif default font comes first in the head, so the mail's own styles (later in the document, or inline) win.</summary>
public static class MessageDocument
{
    /// <summary>The frame's defaults: the app's sans-serif (with Japanese faces) instead of the browser's serif.</summary>
    public const string DefaultStyle =
        "body{margin:8px;font-family:system-ui,-apple-system,\"Segoe UI\",\"Hiragino Sans\",\"Hiragino Kaku Gothic ProN\",\"Noto Sans JP\",\"Noto Sans CJK JP\",Meiryo,sans-serif;"
        + "font-size:14px;line-height:1.6;color:#212121;overflow-wrap:anywhere}img{max-width:100%;height:auto}";

    public static string For(string sanitizedHtml, bool allowRemoteImages)
    {
        var images = allowRemoteImages ? "'self' data: https: http:" : "'self' data:";
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            + $"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'; img-src {images}; style-src 'unsafe-inline'; font-src 'self' data:\">"
            + "<style>" + DefaultStyle + "</style>"
            + "<base target=\"_blank\"></head><body>" + sanitizedHtml + "</body></html>";
    }
}
