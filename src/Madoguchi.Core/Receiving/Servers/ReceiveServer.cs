using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Receiving.Servers;

public enum ReceiveProtocol
{
    Imap,
    Pop3,
}

public enum MailSecurity
{
    None,
    StartTls,
    Tls,
}

/// <summary>One mail server an inbox fetches from (受信設定), at most <see cref="MaxPerInbox"/> per inbox,
/// with its fetch status: what the inbox's administrators see on the receive-status page.</summary>
public sealed class ReceiveServer
{
    public const int MaxPerInbox = 3;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }
    public ReceiveProtocol Protocol { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; }
    public MailSecurity Security { get; set; }
    public bool ValidateCertificate { get; set; } = true;
    public required string Username { get; set; }

    /// <summary>The password, encrypted with Data Protection (<see cref="ReceivePasswordProtector"/>); never leaves Core in clear.</summary>
    public required string ProtectedPassword { get; set; }

    /// <summary>POP3: false deletes each message from the server right after it is stored.</summary>
    public bool LeaveOnServer { get; set; } = true;

    /// <summary>POP3 with <see cref="LeaveOnServer"/>: days after storing until the message is deleted on the server; null = never, 0 = at once.</summary>
    public int? DeleteAfterDays { get; set; } = 14;

    /// <summary>IMAP: folders fetched, INBOX by default.</summary>
    public List<string> Folders { get; set; } = ["INBOX"];

    public bool UseIdle { get; set; } = true;
    public int PollSeconds { get; set; } = 60;
    public DateTime CreatedAt { get; init; }

    /// <summary>Which mailbox the positions belong to: raised when host, port or user name change, which clears the
    /// positions. A fetch pass commits only while the generation it started with is current.</summary>
    public int MailboxGeneration { get; set; }

    // Status, written by every fetch pass.
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    public string? LastErrorCode { get; set; }
    public string? LastErrorDetail { get; set; }
    public DateTime? LastErrorAt { get; set; }

    /// <summary>Progress of the current or last pass: messages on the server already in Madoguchi, of how many.</summary>
    public long ProgressStored { get; set; }
    public long ProgressTotal { get; set; }
    public DateTime? ProgressAt { get; set; }
}

internal sealed class ReceiveServerConfiguration : IEntityTypeConfiguration<ReceiveServer>
{
    public void Configure(EntityTypeBuilder<ReceiveServer> builder)
    {
        builder.Property(s => s.Protocol).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.Security).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.Host).HasMaxLength(253);
        builder.Property(s => s.Username).HasMaxLength(320);
        builder.Property(s => s.ProtectedPassword).HasMaxLength(4000);
        builder.Property(s => s.LastErrorCode).HasMaxLength(50);
        builder.Property(s => s.LastErrorDetail).HasMaxLength(2000);
        builder.Property(s => s.Folders)
            .HasConversion(v => string.Join('\n', v), v => v.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList(),
                new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))), v => v.ToList()))
            .HasMaxLength(2000);
        builder.HasIndex(s => s.InboxId);
        builder.HasOne<Inbox>().WithMany().HasForeignKey(s => s.InboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
