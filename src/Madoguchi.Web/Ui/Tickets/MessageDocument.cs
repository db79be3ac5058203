namespace Madoguchi.Web.Ui.Tickets;

/// <summary>The document shown in a message's sandboxed iframe: the already sanitized HTML, with a Content-Security-Policy
/// that again forbids scripts and, unless the reader allowed them, remote images; links open outside the app.</summary>
public static class MessageDocument
{
    public static string For(string sanitizedHtml, bool allowRemoteImages)
    {
        var images = allowRemoteImages ? "'self' data: https: http:" : "'self' data:";
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            + $"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'; img-src {images}; style-src 'unsafe-inline'; font-src 'self' data:\">"
            + "<base target=\"_blank\"></head><body>" + sanitizedHtml + "</body></html>";
    }
}
