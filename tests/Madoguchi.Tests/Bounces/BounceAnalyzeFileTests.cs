using System.Text;
using Madoguchi.Core.Bounces.Analysis;

namespace Madoguchi.Tests.Bounces;

/// <summary><see cref="BounceAnalyzer.AnalyzeFile"/>, what <c>bounces analyze</c> runs: the file is read whole, whatever
/// its size, and a path that is no file fails the way .NET's file reading does.</summary>
public sealed class BounceAnalyzeFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("madoguchi-bounce-file-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A report whose recipient fields come after <paramref name="paddingLines"/> lines of text.</summary>
    private static string Report(int paddingLines) => $"""
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: support@example.org
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Your message could not be delivered.
        {string.Concat(Enumerable.Repeat("The mail system kept a copy of this line for the administrator's log.\n", paddingLines))}
        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; hanako@customer.example
        Action: failed
        Status: 5.2.2
        Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

        --B--
        """;

    [Theory]
    [InlineData(0)]
    [InlineData(4000)] // ~280 KB: the recipient fields lie past the first read and past several buffer sizes.
    public void AnalyzeFile_SmallOrLarge_ReadsTheWholeFileAsAnalyzeReadsItsBytes(int paddingLines)
    {
        var bytes = Encoding.UTF8.GetBytes(Report(paddingLines).Replace("\n", "\r\n", StringComparison.Ordinal));
        var path = Path.Combine(_folder, "report.eml");
        File.WriteAllBytes(path, bytes);

        var report = BounceAnalyzer.AnalyzeFile(path);

        Assert.Equal(BounceClass.Bounce, report.Class);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("hanako@customer.example", recipient.Address);
        Assert.Equal("5.2.2", recipient.Status);
        Assert.Equal(BounceReasons.MailboxFull, recipient.Reason);
        Assert.Equal(BounceAnalyzer.Analyze(bytes).Recipients, report.Recipients);
    }

    [Fact]
    public void AnalyzeFile_EmptyFile_IsNoBounce()
    {
        var path = Path.Combine(_folder, "empty.eml");
        File.WriteAllBytes(path, []);

        Assert.False(BounceAnalyzer.AnalyzeFile(path).IsBounce);
    }

    [Fact]
    public void AnalyzeFile_MissingFile_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => BounceAnalyzer.AnalyzeFile(Path.Combine(_folder, "missing.eml")));

    [Fact]
    public void AnalyzeFile_Folder_ThrowsLikeDotNetFileReading()
    {
        var error = Record.Exception(() => BounceAnalyzer.AnalyzeFile(_folder));

        Assert.True(error is UnauthorizedAccessException or IOException, error?.ToString() ?? "no exception");
    }
}
