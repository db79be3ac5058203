namespace Madoguchi.Web.Ui.Sending;

/// <summary>Marker for the sending screens' strings (SendingStrings.resx in English, SendingStrings.ja.resx in Japanese).</summary>
public sealed class SendingStrings;
