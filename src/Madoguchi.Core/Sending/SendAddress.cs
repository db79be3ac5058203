using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending;

/// <summary>How Madoguchi signs in to the SMTP server. None means no AUTH command (a relay that trusts the network).</summary>
public enum SmtpAuthentication
{
    None,
    Plain,
    Login,
    CramMd5,
}

/// <summary>One From address of an inbox (送信設定) with the SMTP server its mail leaves through. One of an inbox's
/// addresses is the default; replies use it unless another is chosen.</summary>
public sealed class SendAddress
{
    public const int MaxPerInbox = 20;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }
    public required string Address { get; set; }
    public string DisplayName { get; set; } = "";
    public bool IsDefault { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; }
    public MailSecurity Security { get; set; }
    public bool ValidateCertificate { get; set; } = true;
    public SmtpAuthentication Authentication { get; set; }
    public string Username { get; set; } = "";

    /// <summary>Encrypted with Data Protection (<see cref="SendPasswordProtector"/>); empty without authentication.</summary>
    public string ProtectedPassword { get; set; } = "";

    /// <summary>Send Japanese as ISO-2022-JP (7-bit) for old mail clients; UTF-8 when a character is outside it.</summary>
    public bool Iso2022Jp { get; set; }

    public DateTime CreatedAt { get; init; }

    /// <summary>After a message sent from this address was accepted by the SMTP server, put a copy (\Seen, the same bytes)
    /// into the mailbox's Sent folder over IMAP APPEND, signed in with the inbox's IMAP receive server (<see cref="SentFolderCopy"/>).</summary>
    public bool CopyToSentFolder { get; set; }

    /// <summary>The Sent folder's name when the server does not mark one with SPECIAL-USE \Sent; empty: the common names.</summary>
    public string SentFolder { get; set; } = "";

    /// <summary>VERP: the envelope sender (MAIL FROM) is <c>local+m-token@domain</c>, one token per message, so a bounce
    /// finds its message by the address it came back to (<see cref="Verp"/>). The mail server must deliver
    /// <c>local+anything@domain</c> to the same mailbox (plus addressing).</summary>
    public bool Verp { get; set; }

    /// <summary>The part after @: the domain of the Message-IDs of mail sent from this address.</summary>
    public string Domain => Address[(Address.LastIndexOf('@') + 1)..];
}

internal sealed class SendAddressConfiguration : IEntityTypeConfiguration<SendAddress>
{
    public void Configure(EntityTypeBuilder<SendAddress> builder)
    {
        builder.Property(s => s.Address).HasMaxLength(320);
        builder.Property(s => s.DisplayName).HasMaxLength(200);
        builder.Property(s => s.Host).HasMaxLength(253);
        builder.Property(s => s.Security).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.Authentication).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.Username).HasMaxLength(320);
        builder.Property(s => s.ProtectedPassword).HasMaxLength(4000);
        builder.Property(s => s.SentFolder).HasMaxLength(200);
        builder.Ignore(s => s.Domain);
        builder.HasIndex(s => s.InboxId);
        builder.HasOne<Inbox>().WithMany().HasForeignKey(s => s.InboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
