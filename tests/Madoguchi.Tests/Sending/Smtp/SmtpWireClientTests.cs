using System.Net;
using System.Net.Sockets;
using System.Text;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.Smtp;

namespace Madoguchi.Tests.Sending.Smtp;

/// <summary>The client's protocol rules that a well-behaved server never shows: a server scripted line by line on
/// 127.0.0.1 (the real servers, Postfix and smtp-sink, are in the integration tests).</summary>
public class SmtpWireClientTests
{
    private const string Ehlo = "250-test.example\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-AUTH=LOGIN\r\n250 8BITMIME\r\n";

    /// <summary>A server that answers each command with the script's next reply; it reads <c>batch</c> commands before it
    /// answers them, so a client that waits between pipelined commands never gets its replies.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        public readonly StringBuilder Received = new();
        public Task Done { get; }

        public ScriptedServer(Func<StreamReader, StreamWriter, StringBuilder, Task> script)
        {
            _listener.Start();
            Done = Task.Run(async () =>
            {
                using var socket = await _listener.AcceptSocketAsync();
                await using var stream = new NetworkStream(socket, ownsSocket: true);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\r\n" };
                await script(reader, writer, Received);
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await Done.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException)
            {
            }
        }
    }

    private static async Task<string> ReadLinesAsync(StreamReader reader, StringBuilder received, int count)
    {
        var lines = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var line = await reader.ReadLineAsync() ?? throw new IOException("closed");
            received.Append(line).Append('\n');
            lines.Append(line).Append('\n');
        }
        return lines.ToString();
    }

    private static async Task<SmtpWireClient> OpenAsync(ScriptedServer server, TimeSpan? timeout = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        var connection = new SmtpConnection("127.0.0.1", server.Port, MailSecurity.None, false, SmtpAuthentication.None, "", "");
        return await SmtpWireClient.OpenAsync(socket, connection, new CertificateObservation(), timeout ?? TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    private static MemoryStream Message(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>The first message of the pipelining tests (20 bytes, to a@example.test).</summary>
    private static SmtpMessage FirstMessage() => new(Message("Subject: a\n\nhello\n"), 20, "from@example.test", ["a@example.test"]);

    /// <summary>A server that takes the first message and the next envelope, answers <paramref name="replies"/>, then
    /// records whatever else the client sends until it closes (<paramref name="rest"/>).</summary>
    private static ScriptedServer ServerThenRest(string replies, TaskCompletionSource<string> rest) => new(async (r, w, received) =>
    {
        await FirstMessageThenNextEnvelopeAsync(r, w, received, replies);
        rest.SetResult(await r.ReadToEndAsync());
    });

    private static SmtpMessage SecondMessage() => new(Message("Subject: b\n\nbody\n"), 16, "from@example.test", ["b@example.test"]);

    /// <summary>Server side: greeting, EHLO, the first message's envelope and data (recorded), then the next message's
    /// MAIL, RCPT and DATA read before anything is answered, then <paramref name="replies"/> (the first message's
    /// acceptance and the next envelope's replies).</summary>
    private static async Task FirstMessageThenNextEnvelopeAsync(StreamReader r, StreamWriter w, StringBuilder received, string replies)
    {
        await w.WriteAsync("220 hi\r\n");
        await ReadLinesAsync(r, received, 1);
        await w.WriteAsync(Ehlo);
        await ReadLinesAsync(r, received, 3);
        await w.WriteAsync("250 ok\r\n250 ok\r\n354 go\r\n");
        while (await r.ReadLineAsync() is { } line && line != ".")
            received.Append(line).Append('\n');
        await ReadLinesAsync(r, received, 3);
        await w.WriteAsync(replies);
    }

    [Fact]
    public async Task Pipelining_SendsMailRcptAndDataTogether_ThenTheStuffedMessage()
    {
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await w.WriteAsync("220 hi\r\n");
            await ReadLinesAsync(r, received, 1);
            await w.WriteAsync(Ehlo);
            await ReadLinesAsync(r, received, 4); // MAIL, two RCPT and DATA before any reply
            await w.WriteAsync("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n");
            while (await r.ReadLineAsync() is { } line && line != ".")
                received.Append(line).Append('\n');
            await w.WriteAsync("250 2.0.0 queued as X\r\n");
            await ReadLinesAsync(r, received, 1);
            await w.WriteAsync("221 bye\r\n");
        });
        await using var client = await OpenAsync(server);

        var accepted = await client.SendAsync(Message("Subject: a\n\n.dot\n"), 17, "from@example.test", ["a@example.test", "b@example.test"], CancellationToken.None);
        await client.QuitAsync(CancellationToken.None);
        await server.Done.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(250, accepted.Code);
        Assert.Equal(1000000, client.MaxSize);
        Assert.Equal("LOGIN", client.Extensions["AUTH"]);
        Assert.Equal("EHLO [127.0.0.1]\nMAIL FROM:<from@example.test> SIZE=17\nRCPT TO:<a@example.test>\nRCPT TO:<b@example.test>\nDATA\n"
            + "Subject: a\n\n..dot\nQUIT\n", server.Received.ToString());
    }

    [Fact]
    public async Task RecipientRefused_AfterDataWasAccepted_SendsNoMessageByte_AndReportsTheRecipient()
    {
        var closedWithout = new TaskCompletionSource<string>();
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await w.WriteAsync("220 hi\r\n");
            await ReadLinesAsync(r, received, 1);
            await w.WriteAsync(Ehlo);
            await ReadLinesAsync(r, received, 4);
            await w.WriteAsync("250 ok\r\n250 ok\r\n452 4.5.3 Error: too many recipients\r\n354 go\r\n");
            closedWithout.SetResult(await r.ReadToEndAsync());
        });
        var client = await OpenAsync(server);

        var refused = await Assert.ThrowsAsync<SmtpReplyException>(() =>
            client.SendAsync(Message("Subject: a\n\nbody\n"), 16, "f@example.test", ["a@example.test", "b@example.test"], CancellationToken.None));
        await client.QuitAsync(CancellationToken.None);
        await client.DisposeAsync();

        Assert.Equal(SmtpStage.RcptTo, refused.Stage);
        Assert.Equal("452 4.5.3 Error: too many recipients", refused.Reply.Verbatim);
        // Closed in DATA without the final dot: the server drops the message; not even QUIT was written into it.
        Assert.Equal("", await closedWithout.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SendErrorCode.TooManyRecipients, SendFailureClassifier.Classify(refused).Code);
    }

    [Fact]
    public async Task MultiLineRefusal_KeepsEveryLine_AndTheFirstIsShown()
    {
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await w.WriteAsync("554-5.7.1 you are on a list\r\n554 5.7.1 see https://example.test\r\n");
            await r.ReadToEndAsync();
        });

        var refused = await Assert.ThrowsAsync<SmtpReplyException>(() => OpenAsync(server));

        Assert.Equal(SmtpStage.Greeting, refused.Stage);
        Assert.Equal("5.7.1 you are on a list\n5.7.1 see https://example.test", refused.Reply.Text);
        Assert.Equal("554 5.7.1 you are on a list", SendFailureClassifier.Classify(refused).ServerReply);
    }

    [Theory]
    [InlineData("hello there\r\n")]
    [InlineData("220-one\r\n250 two\r\n")]
    [InlineData("22\r\n")]
    public async Task NotAnSmtpReply_IsAProtocolViolation_ShownAsALostConnection(string greeting)
    {
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await w.WriteAsync(greeting);
            await r.ReadToEndAsync();
        });

        var e = await Assert.ThrowsAsync<SmtpProtocolViolationException>(() => OpenAsync(server));

        Assert.Equal(SendErrorCode.ConnectionLost, SendFailureClassifier.Classify(e).Code);
    }

    [Fact]
    public async Task EndlessLine_IsRefused_NotBuffered()
    {
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await w.WriteAsync("220 " + new string('x', 100_000));
            await r.ReadToEndAsync();
        });

        await Assert.ThrowsAsync<SmtpProtocolViolationException>(() => OpenAsync(server));
    }

    [Fact]
    public async Task SilentServer_TimesOut_AsATemporaryFailure()
    {
        await using var server = new ScriptedServer(async (r, w, received) => await r.ReadToEndAsync());

        var e = await Assert.ThrowsAsync<TimeoutException>(() => OpenAsync(server, TimeSpan.FromMilliseconds(300)));

        var failure = SendFailureClassifier.Classify(e);
        Assert.Equal(SendErrorCode.TimedOut, failure.Code);
        Assert.True(failure.Temporary);
    }

    [Fact]
    public async Task InternationalDomain_WithoutSmtpUtf8_GoesInItsAsciiForm_AndAnInternationalLocalPartIsRefused()
    {
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await w.WriteAsync("220 hi\r\n");
            await ReadLinesAsync(r, received, 1);
            await w.WriteAsync(Ehlo);
            await ReadLinesAsync(r, received, 3);
            await w.WriteAsync("250 ok\r\n250 ok\r\n354 go\r\n");
            while (await r.ReadLineAsync() is { } line && line != ".")
            {
            }
            await w.WriteAsync("250 ok\r\n");
            await r.ReadToEndAsync();
        });
        await using var client = await OpenAsync(server);

        await client.SendAsync(Message("Subject: a\n\nb\n"), 14, "support@example.test", ["user@例え.jp"], CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SmtpReplyException>(() =>
            client.SendAsync(Message("Subject: a\n\nb\n"), 14, "support@example.test", ["山田@example.jp"], CancellationToken.None));

        Assert.Contains("RCPT TO:<user@xn--r8jz45g.jp>", server.Received.ToString(), StringComparison.Ordinal);
        Assert.Equal(SmtpStage.RcptTo, refused.Stage);
        Assert.Contains("SMTPUTF8", refused.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextMessage_ItsEnvelopeFollowsTheEndOfData_BeforeTheAcceptance_OneRoundTripPerMessage()
    {
        const string Second = "Subject: b\n\nこんにちは\n";
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            // The second message's MAIL, RCPT and DATA came with the first's end of data: read before the first is answered.
            await FirstMessageThenNextEnvelopeAsync(r, w, received, "250 2.0.0 queued as A\r\n250 ok\r\n250 ok\r\n354 go\r\n");
            while (await r.ReadLineAsync() is { } line && line != ".")
                received.Append(line).Append('\n');
            await w.WriteAsync("250 2.0.0 queued as B\r\n");
            await ReadLinesAsync(r, received, 1);
            await w.WriteAsync("221 bye\r\n");
        });
        await using var client = await OpenAsync(server);
        var second = new SmtpMessage(Message(Second), Encoding.UTF8.GetByteCount(Second), "from@example.test", ["b@example.test"]);

        var first = await client.SendAsync(FirstMessage(), second, CancellationToken.None);
        var then = await client.SendAsync(second, null, CancellationToken.None);
        await client.QuitAsync(CancellationToken.None);
        await server.Done.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("2.0.0 queued as A", first.Text);
        Assert.Equal("2.0.0 queued as B", then.Text);
        // The second message was looked at for its 8-bit content, then sent whole from its start.
        Assert.Equal("EHLO [127.0.0.1]\nMAIL FROM:<from@example.test> SIZE=20\nRCPT TO:<a@example.test>\nDATA\nSubject: a\n\nhello\n"
            + $"MAIL FROM:<from@example.test> SIZE={Encoding.UTF8.GetByteCount(Second)} BODY=8BITMIME\nRCPT TO:<b@example.test>\nDATA\n"
            + "Subject: b\n\nこんにちは\nQUIT\n", server.Received.ToString());
    }

    [Fact]
    public async Task NextMessage_RecipientRefused_TheFirstStaysAccepted_TheNextFails_AndNoByteOfItIsSent()
    {
        var closedWithout = new TaskCompletionSource<string>();
        await using var server = ServerThenRest("250 2.0.0 queued as A\r\n250 ok\r\n550 5.1.1 <b@example.test>: unknown user\r\n354 go\r\n", closedWithout);
        var client = await OpenAsync(server);
        var second = SecondMessage();

        var first = await client.SendAsync(FirstMessage(), second, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SmtpReplyException>(() => client.SendAsync(second, null, CancellationToken.None));
        await client.QuitAsync(CancellationToken.None);
        await client.DisposeAsync();

        Assert.Equal(250, first.Code);
        Assert.Equal(SmtpStage.RcptTo, refused.Stage);
        Assert.Equal(SendErrorCode.RecipientRejected, SendFailureClassifier.Classify(refused).Code);
        // The server said 354 for the others: the connection is closed in DATA, without a message byte or QUIT.
        Assert.Equal("", await closedWithout.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NextMessage_Announced_ButNotSent_QuitIsNotWrittenIntoItsData()
    {
        var closedWithout = new TaskCompletionSource<string>();
        await using var server = ServerThenRest("250 2.0.0 queued as A\r\n250 ok\r\n250 ok\r\n354 go\r\n", closedWithout);
        var client = await OpenAsync(server);
        var second = SecondMessage();

        await client.SendAsync(FirstMessage(), second, CancellationToken.None);
        // Another message than the announced one is refused; the connection is not used again.
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(new SmtpMessage(Message("x\n"), 2, "f@example.test", ["c@example.test"]), null, CancellationToken.None));
        await client.QuitAsync(CancellationToken.None);
        await client.DisposeAsync();

        Assert.Equal("", await closedWithout.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NextMessage_LongerThanItsFirstRead_IsSentWhole_FromWhatWasReadAhead()
    {
        var body = string.Join("\n", Enumerable.Range(0, 4000).Select(i => $"{i:D5} 行の本文です。line of text"));
        var second = $"Subject: long\n\n{body}\n";
        var bodyLines = new List<string>();
        await using var server = new ScriptedServer(async (r, w, received) =>
        {
            await FirstMessageThenNextEnvelopeAsync(r, w, received, "250 queued as A\r\n250 ok\r\n250 ok\r\n354 go\r\n");
            while (await r.ReadLineAsync() is { } line && line != ".")
                bodyLines.Add(line);
            await w.WriteAsync("250 queued as B\r\n");
            await ReadLinesAsync(r, received, 1);
            await w.WriteAsync("221 bye\r\n");
        });
        await using var client = await OpenAsync(server);
        var bytes = Encoding.UTF8.GetBytes(second);
        Assert.True(bytes.Length > 64 * 1024);
        var next = new SmtpMessage(new MemoryStream(bytes), bytes.Length, "from@example.test", ["b@example.test"]);

        await client.SendAsync(FirstMessage(), next, CancellationToken.None);
        await client.SendAsync(next, null, CancellationToken.None);
        await client.QuitAsync(CancellationToken.None);
        await server.Done.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(second.TrimEnd('\n').Split('\n'), bodyLines);
        Assert.Contains($"SIZE={bytes.Length} BODY=8BITMIME", server.Received.ToString(), StringComparison.Ordinal);
    }
}
