using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>A realistic mailbox for import tests: gen-mailbox.py's output when the shared tools are present (Japanese
/// and English, ISO-2022-JP/Shift_JIS/UTF-8, threads, attachments), else messages built here of the same kinds. Never skipped.</summary>
public sealed record TestMailbox(IReadOnlyList<byte[]> Messages, IReadOnlyList<string> MessageIds, string Source)
{
    private static readonly string? Generator = Testing.SharedFolder.Find("tools", "gen-mailbox.py");
    private static readonly Dictionary<int, Task<TestMailbox>> Cache = [];
    private static readonly Lock Gate = new();

    public static Task<TestMailbox> GetAsync(int count)
    {
        lock (Gate)
        {
            if (!Cache.TryGetValue(count, out var task))
                Cache[count] = task = Task.Run(() => Create(count));
            return task;
        }
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static TestMailbox Create(int count) => Generator is not null && Generate(Generator, count) is { } generated ? generated : Build(count);

    private static TestMailbox? Generate(string generator, int count)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"madoguchi-mailbox-{count}-{Environment.ProcessId}");
        if (!File.Exists(Path.Combine(folder, "manifest.jsonl")))
        {
            using var process = TryStart(new ProcessStartInfo("python3") { ArgumentList = { generator, "-n", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder }, RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null)
                return null;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                return null;
        }
        var messages = new List<byte[]>();
        var ids = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(folder, "manifest.jsonl")))
        {
            using var entry = JsonDocument.Parse(line);
            messages.Add(ToCrlf(File.ReadAllBytes(Path.Combine(folder, entry.RootElement.GetProperty("file").GetString()!))));
            ids.Add(entry.RootElement.GetProperty("message_id").GetString()!.Trim('<', '>'));
        }
        return new TestMailbox(messages, ids, "gen-mailbox.py");
    }

    /// <summary>No python3 on the machine means no generator: the built-in messages are used instead.</summary>
    private static Process? TryStart(ProcessStartInfo info)
    {
        try
        {
            return Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Fallback: Japanese (ISO-2022-JP, Shift_JIS) and English, replies with References, some attachments.</summary>
    private static TestMailbox Build(int count)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var messages = new List<byte[]>();
        var ids = new List<string>();
        var random = new Random(20261126);
        for (var n = 1; n <= count; n++)
        {
            var japanese = n % 3 != 0;
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress(japanese ? $"山田 太郎{n}" : $"Customer {n}", $"customer{n % 97}@example.test"));
            message.To.Add(new MailboxAddress("サポート", "support@example.test"));
            message.Subject = japanese ? $"見積書について（{n}）" : $"Question about the warranty #{n}";
            message.MessageId = $"{n:D6}.{random.Next():x}@fallback.example";
            message.Date = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.FromHours(9)).AddMinutes(n);
            if (n > 3 && n % 4 == 0)
            {
                message.InReplyTo = ids[n - 4];
                message.References.Add(ids[n - 4]);
            }
            var charset = n % 6 == 1 ? "shift_jis" : "iso-2022-jp";
            var text = new TextPart("plain");
            text.SetText(japanese ? charset : "utf-8", japanese ? $"お世話になっております。見積書の件でご連絡しました。REF-{n:D6}\n" : $"Hello, my device stopped working. REF-{n:D6}\n");
            if (n % 9 == 0)
            {
                var attachment = new MimePart("application", "pdf") { FileName = japanese ? "見積書.pdf" : "invoice.pdf", Content = new MimeContent(new MemoryStream(RandomBytes(random, 2000 + n))), ContentTransferEncoding = ContentEncoding.Base64 };
                message.Body = new Multipart("mixed") { text, attachment };
            }
            else
            {
                message.Body = text;
            }
            using var buffer = new MemoryStream();
            message.WriteTo(FormatOptions.Default, buffer);
            messages.Add(ToCrlf(buffer.ToArray()));
            ids.Add(message.MessageId);
        }
        return new TestMailbox(messages, ids, "built in the test");
    }

    /// <summary>The generator writes LF files (as a Maildir holds them); IMAP and POP3 serve CRLF. Delivering CRLF makes
    /// the server's bytes and the file's bytes the same, so "stored bytes identical to the original" is exact.</summary>
    public static byte[] ToCrlf(byte[] raw)
    {
        var result = new List<byte>(raw.Length + raw.Length / 40);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\n' && (i == 0 || raw[i - 1] != (byte)'\r'))
                result.Add((byte)'\r');
            result.Add(raw[i]);
        }
        return [.. result];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
