using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>A message the server holds but would not give us (a <c>NO</c> for its FETCH, or left out of the answer).
/// The folder's position may move past it, but this row keeps it: later passes try it again with
/// <see cref="ReceiveRetryBackoff"/> until it is fetched (or gone from the server), and 受信設定 and メールが見つからない
/// show it with the server's words. One row per server and position.</summary>
public sealed class ReceiveRetry
{
    public Guid Id { get; init; } = Common.Ids.New();
    public Guid ReceiveServerId { get; init; }
    public Guid InboxId { get; init; }

    /// <summary>"imap:{uidvalidity}:{uid}:{folder}" or "pop3:{uidl}" (see <see cref="ReceiveRetryPositions"/>).</summary>
    public required string Position { get; init; }
    public string? Folder { get; init; }
    public long? UidValidity { get; init; }
    public long? Uid { get; init; }
    public string? Uidl { get; init; }

    /// <summary><see cref="ReceiveErrorCode.MessageRefused"/>, <see cref="ReceiveErrorCode.MessageNotReturned"/>,
    /// <see cref="ReceiveErrorCode.MessageTimedOut"/>, <see cref="ReceiveErrorCode.ConnectionDropped"/> or
    /// <see cref="ReceiveErrorCode.MessageNotStored"/>.</summary>
    public required string Code { get; set; }

    /// <summary>What the server said, as it said it (trimmed).</summary>
    public string? ServerText { get; set; }
    public int Attempts { get; set; }
    public DateTime FirstSeenAt { get; init; }
    public DateTime LastSeenAt { get; set; }
    public DateTime NextRetryAt { get; set; }

    /// <summary>When it was fetched after all, or found gone from the server; null while it waits.</summary>
    public DateTime? ResolvedAt { get; set; }

    /// <summary>"fetched" or "gone"; or <see cref="StalledOnce"/>: the server stalled or dropped the connection on it in the
    /// last failed pass, not set aside yet (not waiting, not shown; a second time in a row opens the row, see
    /// <see cref="FetchContext.RecordInterruptionAsync"/>).</summary>
    public string? Resolution { get; set; }

    public const string StalledOnce = "stalled_once";
}

/// <summary>How long to wait before asking the server again: 1 minute, doubling per failed attempt, at most 6 hours. Pure; unit-tested.</summary>
public static class ReceiveRetryBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Max = TimeSpan.FromHours(6);

    public static TimeSpan After(int attempts)
    {
        if (attempts <= 1)
            return First;
        var minutes = Math.Pow(2, Math.Min(attempts - 1, 20));
        return TimeSpan.FromMinutes(Math.Min(minutes, Max.TotalMinutes));
    }
}

public static class ReceiveRetryPositions
{
    public static string Imap(string folder, long uidValidity, long uid) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"imap:{uidValidity}:{uid}:{folder}");

    public static string Pop3(string uidl) => "pop3:" + uidl;
}

/// <summary>A refusal seen in this pass, before it becomes or updates a <see cref="ReceiveRetry"/> row.</summary>
public sealed record RefusalDraft(string Position, string Code, string? ServerText, string? Folder = null, long? UidValidity = null, long? Uid = null, string? Uidl = null)
{
    /// <summary>The row for a position seen refused for the first time; the caller sets its attempts and next try.</summary>
    public ReceiveRetry NewRow(ReceiveServer server, DateTime now) => new()
    {
        ReceiveServerId = server.Id, InboxId = server.InboxId, Position = Position, Folder = Folder,
        UidValidity = UidValidity, Uid = Uid, Uidl = Uidl, Code = Code, FirstSeenAt = now,
    };
}

internal sealed class ReceiveRetryConfiguration : IEntityTypeConfiguration<ReceiveRetry>
{
    public void Configure(EntityTypeBuilder<ReceiveRetry> builder)
    {
        builder.Property(r => r.Position).HasMaxLength(800);
        builder.Property(r => r.Folder).HasMaxLength(500);
        builder.Property(r => r.Uidl).HasMaxLength(200);
        builder.Property(r => r.Code).HasMaxLength(50);
        builder.Property(r => r.ServerText).HasMaxLength(1000);
        builder.Property(r => r.Resolution).HasMaxLength(20);
        builder.HasIndex(r => new { r.ReceiveServerId, r.Position }).IsUnique();
        builder.HasIndex(r => new { r.InboxId, r.ResolvedAt });
        builder.HasOne<ReceiveServer>().WithMany().HasForeignKey(r => r.ReceiveServerId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Forgets a receive server's positions when it now points at another mailbox: its IMAP folder states, POP3
/// UIDLs, waiting retries and stall notes. Runs in the caller's transaction, after the server's generation was raised.</summary>
public static class MailboxReset
{
    public static async Task ClearPositionsAsync(Data.MadoguchiDbContext db, Guid serverId, CancellationToken ct)
    {
        await db.ImapFolderStates.Where(s => s.ReceiveServerId == serverId).ExecuteDeleteAsync(ct);
        await db.Pop3SeenMessages.Where(s => s.ReceiveServerId == serverId).ExecuteDeleteAsync(ct);
        await db.ReceiveRetries.Where(r => r.ReceiveServerId == serverId && (r.ResolvedAt == null || r.Resolution == ReceiveRetry.StalledOnce)).ExecuteDeleteAsync(ct);
    }
}

/// <summary>The receive server was pointed at another mailbox while this pass ran: nothing of the pass is committed.</summary>
public sealed class MailboxChangedException() : Exception("The receive settings changed to another mailbox during the fetch.");

/// <summary>The server stopped answering, or closed the connection, while it sent one message (<see cref="Interruption"/>):
/// the pass fails, and <see cref="FetchContext.RecordInterruptionAsync"/> remembers where, so a second such pass in a row
/// on the same message sets it aside.</summary>
public sealed class MessageInterruptedException(RefusalDraft interruption, Exception inner) : Exception(inner.Message, inner)
{
    public RefusalDraft Interruption { get; } = interruption;
}
