namespace Madoguchi.Core.Sending.Smtp;

/// <summary>Which part of the SMTP conversation a reply answered: it decides how a refusal is explained.</summary>
public enum SmtpStage
{
    Greeting,
    Ehlo,
    StartTls,
    Auth,
    MailFrom,
    RcptTo,
    Data,
    Message,
}

/// <summary>One SMTP reply: its three-digit code and its text (the lines of a multi-line reply joined by a line break).</summary>
public sealed record SmtpReply(int Code, string Text)
{
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>As the server wrote it, code included (first line).</summary>
    public string Verbatim => Text.Length == 0 ? Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Code} {Text}";
}

/// <summary>The server refused a command: its reply, and which command it answered.</summary>
public sealed class SmtpReplyException(SmtpStage stage, SmtpReply reply)
    : Exception($"The SMTP server refused {stage}: {reply.Verbatim}")
{
    public SmtpStage Stage { get; } = stage;
    public SmtpReply Reply { get; } = reply;
}

/// <summary>The server broke the protocol (a reply that is not one, or far too long): the connection cannot be trusted.</summary>
public sealed class SmtpProtocolViolationException(string message) : IOException(message);
