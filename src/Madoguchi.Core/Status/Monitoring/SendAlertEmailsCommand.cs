using System.Globalization;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Sending;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Sends the alert emails that are due (after each probe round), oldest first, through the installation's SMTP
/// server with MailKit, as the outbox sends replies. Each email is claimed with one atomic UPDATE before it is sent (so a
/// round overlapping the next one on another instance never sends it twice) and fails alone: a temporary failure is
/// tried again next round until <see cref="AlertMailOptions.MaxAttempts"/>, a permanent one is given up at once. Every
/// failure is logged and kept on the row, where the operator console shows it.</summary>
public sealed class SendAlertEmailsCommand(MadoguchiDbContext db, IOptions<AlertMailOptions> options, ILogger<SendAlertEmailsCommand> logger)
{
    /// <summary>Emails sent per round at most; the rest wait for the next round.</summary>
    private const int PerRound = 20;

    public async Task HandleAsync(DateTime now, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return;
        var due = await db.AlertEmails.AsNoTracking().Where(a => a.SentAt == null && a.FailedAt == null)
            .OrderBy(a => a.CreatedAt).Take(PerRound).ToListAsync(ct);
        if (due.Count == 0)
            return;
        var recipients = settings.Recipients.Count > 0
            ? settings.Recipients
            : await db.Operators.AsNoTracking().OrderBy(o => o.Email).Select(o => o.Email).ToListAsync(ct);
        foreach (var email in due)
        {
            var attempt = email.Attempts + 1;
            var claimed = await db.AlertEmails.Where(a => a.Id == email.Id && a.Attempts == email.Attempts && a.SentAt == null && a.FailedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.Attempts, attempt).SetProperty(a => a.LastAttemptAt, now), ct);
            if (claimed != 1)
                continue;
            if (recipients.Count == 0)
            {
                MonitoringLog.AlertMailNoRecipient(logger, email.Component, email.State);
                await RecordAsync(email.Id, now, new SendFailure(AlertEmail.NoRecipient, null, false), attempt, ct);
                continue;
            }
            SendFailure? failure = null;
            var certificate = new CertificateObservation();
            try
            {
                var connection = settings.Smtp.Connection();
                await SmtpDelivery.SendAsync(null, connection, AlertMailText.Message(email, settings.Smtp.From!, recipients), settings.Smtp.From!,
                    recipients, settings.Smtp.Timeout, certificate, ct);
                MonitoringLog.AlertMailSent(logger, email.Component, email.State, recipients.Count);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failure = SendFailureClassifier.Classify(e, certificate);
                var givenUp = !failure.Temporary || attempt >= settings.MaxAttempts;
                MonitoringLog.AlertMailNotSent(logger, email.Component, email.State, failure.Code, attempt, givenUp, e);
            }
            await RecordAsync(email.Id, now, failure, attempt, ct);
        }
    }

    private async Task RecordAsync(Guid id, DateTime now, SendFailure? failure, int attempt, CancellationToken ct)
    {
        var row = db.AlertEmails.Where(a => a.Id == id);
        if (failure is null)
        {
            await row.ExecuteUpdateAsync(u => u.SetProperty(a => a.SentAt, now)
                .SetProperty(a => a.ErrorCode, (string?)null).SetProperty(a => a.ServerReply, (string?)null), CancellationToken.None);
            return;
        }
        var givenUp = !failure.Temporary || attempt >= options.Value.MaxAttempts;
        var reply = failure.ServerReply is { Length: > 2000 } long_ ? long_[..2000] : failure.ServerReply;
        await row.ExecuteUpdateAsync(u => u.SetProperty(a => a.FailedAt, givenUp ? now : null)
            .SetProperty(a => a.ErrorCode, failure.Code).SetProperty(a => a.ServerReply, reply), CancellationToken.None);
    }
}

/// <summary>The words of an alert email: the component and its state in the subject (English, then Japanese), the
/// probe's reason and the time in the body. No customer data: components and probe details only.</summary>
public static class AlertMailText
{
    public static string Subject(AlertEmail email) => email.IsRecovery
        ? $"[Madoguchi] Recovered: {ComponentName(email.Component)} is operational / 復旧: {ComponentNameJa(email.Component)}は正常稼働に戻りました"
        : $"[Madoguchi] Alert: {ComponentName(email.Component)} is {StateName(email.State)} / 障害: {ComponentNameJa(email.Component)}は「{StateNameJa(email.State)}」です";

    public static string Body(AlertEmail email)
    {
        var at = DateTime.SpecifyKind(email.CreatedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var en = email.IsRecovery
            ? $"{ComponentName(email.Component)} has recovered: operational again (was {StateName(email.PreviousState)})."
            : $"{ComponentName(email.Component)} is now {StateName(email.State)} (was {StateName(email.PreviousState)}).";
        var ja = email.IsRecovery
            ? $"{ComponentNameJa(email.Component)}は復旧し、正常稼働に戻りました（以前は「{StateNameJa(email.PreviousState)}」）。"
            : $"{ComponentNameJa(email.Component)}は現在「{StateNameJa(email.State)}」です（以前は「{StateNameJa(email.PreviousState)}」）。";
        return $"{ja}\n{en}\n\nProbe / 監視結果: {email.Detail}\nAt / 日時: {at}\n\n"
            + "The operator console (/operator) lists every alert; incidents posted there appear on the public status page.\n"
            + "運営者コンソール（/operator）にすべてのアラートが表示されます。障害情報を投稿すると公開ステータスページに表示されます。\n";
    }

    public static MimeMessage Message(AlertEmail email, string from, IReadOnlyList<string> recipients)
    {
        var sender = MailboxAddress.Parse(from);
        var message = new MimeMessage { Subject = Subject(email), Date = DateTimeOffset.UtcNow, Body = new TextPart("plain") { Text = Body(email) } };
        message.From.Add(sender);
        foreach (var recipient in recipients)
            message.To.Add(MailboxAddress.Parse(recipient));
        var domain = sender.Address.Contains('@', StringComparison.Ordinal) ? sender.Address[(sender.Address.LastIndexOf('@') + 1)..] : "madoguchi.invalid";
        message.MessageId = MimeUtils.GenerateMessageId(domain);
        // An automatic message: no auto-replies to it (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    public static string ComponentName(StatusComponent component) => component switch
    {
        StatusComponent.Web => "Web",
        StatusComponent.Database => "Database",
        StatusComponent.Storage => "Storage",
        StatusComponent.Receiving => "Receiving",
        StatusComponent.Sending => "Sending",
        _ => component.ToString(),
    };

    public static string ComponentNameJa(StatusComponent component) => component switch
    {
        StatusComponent.Web => "Web",
        StatusComponent.Database => "データベース",
        StatusComponent.Storage => "ストレージ",
        StatusComponent.Receiving => "メール受信",
        StatusComponent.Sending => "メール送信",
        _ => component.ToString(),
    };

    public static string StateName(ComponentState state) => state switch
    {
        ComponentState.Operational => "operational",
        ComponentState.DegradedPerformance => "degraded performance",
        ComponentState.PartialOutage => "partial outage",
        ComponentState.MajorOutage => "major outage",
        _ => "under maintenance",
    };

    public static string StateNameJa(ComponentState state) => state switch
    {
        ComponentState.Operational => "正常稼働",
        ComponentState.DegradedPerformance => "パフォーマンス低下",
        ComponentState.PartialOutage => "一部停止",
        ComponentState.MajorOutage => "全面停止",
        _ => "メンテナンス中",
    };
}
