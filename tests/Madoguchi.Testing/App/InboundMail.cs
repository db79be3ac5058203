using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Testing.App;

/// <summary>Feeds the inbound pipeline without a mail server: writes an original the way the fetcher does (blob first,
/// then the RawMessage row), signals the pipeline, and waits for the running worker to process it.</summary>
public static class InboundMail
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates an inbox through the API as the account's owner.</summary>
    public static async Task<InboxView> CreateInboxAsync(this TestAccount account, string? name = null)
    {
        var client = await account.SignInOwnerAsync();
        var response = await client.PostAsJsonAsync("/api/v1/inboxes", new { name = name ?? $"サポート {Guid.NewGuid():N}"[..12], colour = "#1e88e5" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!;
    }

    /// <summary>Stores an original for the inbox as the fetcher would, and signals the pipeline. Returns the RawMessage id.</summary>
    public static async Task<Guid> StoreOriginalAsync(this MadoguchiApp app, Guid inboxId, byte[] bytes, DateTime? receivedAt = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<Core.Data.MadoguchiDbContext>();
        var accountId = await db.Inboxes.Where(i => i.Id == inboxId).Select(i => i.AccountId).SingleAsync();
        var blob = await sp.GetRequiredService<IBlobStore>().PutAsync(bytes, CancellationToken.None);
        var raw = new RawMessage
        {
            AccountId = accountId,
            InboxId = inboxId,
            BlobHash = blob.Hash,
            Size = blob.Size,
            ReceivedAt = receivedAt ?? DateTime.UtcNow,
        };
        db.RawMessages.Add(raw);
        await db.SaveChangesAsync();
        sp.GetRequiredService<InboundSignal>().NewOriginalsStored();
        return raw.Id;
    }

    /// <summary>Stores an original and waits until the pipeline has made a ticket message of it.</summary>
    public static async Task<StoredMessageLocation> ReceiveAsync(this MadoguchiApp app, Guid inboxId, byte[] bytes, DateTime? receivedAt = null)
    {
        var rawId = await app.StoreOriginalAsync(inboxId, bytes, receivedAt);
        return await app.WaitForPipelineAsync(rawId);
    }

    public static Task<StoredMessageLocation> ReceiveAsync(this MadoguchiApp app, Guid inboxId, string eml, DateTime? receivedAt = null) =>
        app.ReceiveAsync(inboxId, Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n")), receivedAt);

    /// <summary>Waits until the original is processed (or failed) and says where it ended up.</summary>
    public static async Task<StoredMessageLocation> WaitForPipelineAsync(this MadoguchiApp app, Guid rawMessageId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var accountId = await sp.GetRequiredService<Core.Data.MadoguchiDbContext>().RawMessages
                .Where(r => r.Id == rawMessageId).Select(r => r.AccountId).SingleAsync();
            var location = (await sp.GetRequiredService<LocateStoredMessageQuery>().HandleAsync(accountId, [rawMessageId], CancellationToken.None)).Single();
            if (location.ProcessingError is not null)
                throw new InvalidOperationException($"The pipeline failed on {rawMessageId}: {location.ProcessingError}");
            if (location.ProcessedAt is not null && location.TicketId is not null)
                return location;
            if (clock.Elapsed > Timeout)
                throw new TimeoutException($"The pipeline did not process {rawMessageId} within {Timeout.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }

    /// <summary>A plain-text message; <paramref name="extraHeaders"/> are whole header lines.</summary>
    public static string Eml(string messageId, string subject = "お問い合わせ", string from = "customer@example.com", string body = "本文です。",
        string? inReplyTo = null, string? references = null, params string[] extraHeaders)
    {
        var sb = new StringBuilder();
        sb.Append("From: ").Append(from).Append("\r\n");
        sb.Append("To: support@example.jp\r\n");
        sb.Append("Subject: =?UTF-8?B?").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))).Append("?=\r\n");
        sb.Append("Date: Tue, 01 Apr 2025 10:00:00 +0900\r\n");
        sb.Append("Message-ID: <").Append(messageId).Append(">\r\n");
        if (inReplyTo is not null)
            sb.Append("In-Reply-To: <").Append(inReplyTo).Append(">\r\n");
        if (references is not null)
            sb.Append("References: ").Append(references).Append("\r\n");
        foreach (var header in extraHeaders)
            sb.Append(header).Append("\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        sb.Append(body).Append("\r\n");
        return sb.ToString();
    }
}
