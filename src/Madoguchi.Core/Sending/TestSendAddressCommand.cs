using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Madoguchi.Core.Sending.Smtp;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>Names of the テスト送信 steps, in the order they run.</summary>
public static class SendTestSteps
{
    public const string NameLookup = ConnectionSteps.NameLookup;
    public const string AddressCheck = ConnectionSteps.AddressCheck;
    public const string TcpConnect = ConnectionSteps.TcpConnect;
    public const string Tls = ConnectionSteps.Tls;
    public const string Ehlo = "ehlo";
    public const string Auth = "auth";
    public const string MailFrom = "mail_from";
    public const string RcptTo = "rcpt_to";
    public const string Data = "data";
}

/// <summary>One step of テスト送信, with the explanation of a failure (ja/en) and the server's reply verbatim.</summary>
public sealed record SendTestStep(string Step, bool Ok, string Message, string? Detail, SendErrorView? Error = null);

public sealed record SendTestResult(bool Ok, IReadOnlyList<SendTestStep> Steps);

/// <summary>テスト送信: name lookup, address check, TCP, TLS, EHLO, AUTH, then a short test mail from the address to itself
/// (MAIL FROM, RCPT TO, DATA), each step in plain words, stopping at the first that fails.</summary>
public sealed class TestSendAddressCommand(MadoguchiDbContext db, SendPasswordProtector passwords, OutboundAddressGuard guard, GuardedConnector connector,
    IOptions<SendingOptions> options, TimeProvider time)
{
    public async Task<Result<SendTestResult>> HandleAsync(Actor actor, Guid inboxId, Guid addressId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var address = await db.SendAddresses.AsNoTracking().SingleOrDefaultAsync(s => s.Id == addressId && s.InboxId == inboxId, ct);
        if (address is null)
            return Error.NotFound("The send address");
        var steps = new List<SendTestStep>();
        await RunAsync(address, SmtpConnection.Of(address, passwords), steps, ct);
        return new SendTestResult(steps.Count > 0 && steps.All(s => s.Ok), steps);
    }

    private static SendTestStep Failed(string step, SendFailure failure)
    {
        var error = SendErrors.Describe(failure.Code, failure.ServerReply);
        return new SendTestStep(step, false, error.En, failure.ServerReply, error);
    }

    private async Task RunAsync(SendAddress address, SmtpConnection connection, List<SendTestStep> steps, CancellationToken ct)
    {
        var timeout = options.Value.Timeout < TimeSpan.FromSeconds(15) ? options.Value.Timeout : TimeSpan.FromSeconds(15);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(connection.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(connection.Host, ct);
            if (addresses.Length == 0)
                throw new SocketException((int)SocketError.HostNotFound);
            steps.Add(new SendTestStep(SendTestSteps.NameLookup, true, $"{connection.Host} was found.", string.Join(", ", addresses.Select(a => a.ToString()))));
        }
        catch (SocketException e)
        {
            steps.Add(Failed(SendTestSteps.NameLookup, SendFailureClassifier.Classify(e)));
            return;
        }

        try
        {
            addresses = guard.Allowed(addresses);
            steps.Add(new SendTestStep(SendTestSteps.AddressCheck, true, "The server's address may be connected to.", string.Join(", ", addresses.Select(a => a.ToString()))));
        }
        catch (OutboundAddressRefusedException e)
        {
            steps.Add(Failed(SendTestSteps.AddressCheck, SendFailureClassifier.Classify(e)));
            return;
        }

        var watch = Stopwatch.StartNew();
        Socket socket;
        try
        {
            socket = await connector.ConnectAsync(addresses, connection.Port, timeout, ct);
            steps.Add(new SendTestStep(SendTestSteps.TcpConnect, true, $"Port {connection.Port} accepts connections.", $"{socket.RemoteEndPoint} in {watch.ElapsedMilliseconds} ms"));
        }
        catch (SocketException e)
        {
            steps.Add(Failed(SendTestSteps.TcpConnect, SendFailureClassifier.Classify(e)));
            return;
        }

        var certificate = new CertificateObservation();
        SmtpWireClient client;
        try
        {
            client = await SmtpWireClient.OpenAsync(socket, connection, certificate, timeout, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var failure = SendFailureClassifier.Classify(e, certificate);
            var tlsProblem = failure.Code is SendErrorCode.TlsFailed or SendErrorCode.CertificateUntrusted or SendErrorCode.CertificateNameMismatch
                or SendErrorCode.CertificateExpired or SendErrorCode.StartTlsUnsupported;
            steps.Add(Failed(tlsProblem ? SendTestSteps.Tls : SendTestSteps.Ehlo, failure));
            return;
        }
        await using (client)
            await TalkAsync(client, address, connection, certificate, steps, ct);
    }

    /// <summary>The steps after the connection is open: EHLO's answer, AUTH, then the test mail.</summary>
    private async Task TalkAsync(SmtpWireClient client, SendAddress address, SmtpConnection connection, CertificateObservation certificate,
        List<SendTestStep> steps, CancellationToken ct)
    {
        if (connection.Security != MailSecurity.None)
            steps.Add(new SendTestStep(SendTestSteps.Tls, true, "The connection is encrypted.", certificate.Subject is null ? null : certificate.Describe()));
        var maxSize = client.MaxSize == 0 ? "not stated" : client.MaxSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        steps.Add(new SendTestStep(SendTestSteps.Ehlo, true, "The server answered EHLO.", $"capabilities: {string.Join(", ", client.Extensions.Keys)}; max size: {maxSize}"));

        try
        {
            await client.AuthenticateAsync(connection, ct);
            steps.Add(new SendTestStep(SendTestSteps.Auth, true,
                connection.Authentication == SmtpAuthentication.None ? "No sign-in configured (skipped)." : "Signed in.", SendAddressRules.Name(connection.Authentication)));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(Failed(SendTestSteps.Auth, SendFailureClassifier.Classify(e, certificate)));
            return;
        }

        var message = new MimeMessage { Subject = "Madoguchi テスト送信 / test message", Date = time.GetUtcNow(), MessageId = $"{Guid.NewGuid():N}@{address.Domain}" };
        message.From.Add(new MailboxAddress(address.DisplayName, address.Address));
        message.To.Add(new MailboxAddress(address.DisplayName, address.Address));
        message.Body = new TextPart("plain") { Text = "Madoguchi の送信設定のテストです。This is a test of Madoguchi's send settings." };
        using var bytes = await SmtpDelivery.WireBytesAsync(message, ct);
        try
        {
            await client.SendAsync(bytes, bytes.Length, address.Address, [address.Address], ct);
            steps.Add(new SendTestStep(SendTestSteps.MailFrom, true, "The server accepted the sender.", address.Address));
            steps.Add(new SendTestStep(SendTestSteps.RcptTo, true, "The server accepted the recipient.", address.Address));
            steps.Add(new SendTestStep(SendTestSteps.Data, true, "The server accepted the test message.", message.MessageId));
        }
        catch (SmtpReplyException e)
        {
            var failure = SendFailureClassifier.Classify(e, certificate);
            if (e.Stage == SmtpStage.MailFrom)
            {
                steps.Add(Failed(SendTestSteps.MailFrom, failure));
                return;
            }
            steps.Add(new SendTestStep(SendTestSteps.MailFrom, true, "The server accepted the sender.", address.Address));
            if (e.Stage == SmtpStage.RcptTo)
            {
                steps.Add(Failed(SendTestSteps.RcptTo, failure));
                return;
            }
            steps.Add(new SendTestStep(SendTestSteps.RcptTo, true, "The server accepted the recipient.", address.Address));
            steps.Add(Failed(SendTestSteps.Data, failure));
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(Failed(SendTestSteps.Data, SendFailureClassifier.Classify(e, certificate)));
            return;
        }
        await client.QuitAsync(ct);
    }
}
