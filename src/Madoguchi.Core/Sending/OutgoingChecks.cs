using System.Text.Json;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Parsing;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>The checks every outgoing mail passes before anything is stored (replies, <see cref="QueueReplyCommand"/>, and
/// new mail, <see cref="Compose.QueueNewMailCommand"/>): the From address, the recipients as typed, the recipient and
/// size limits.</summary>
internal static class OutgoingChecks
{
    /// <summary>The chosen send address of the inbox, or its default (then the oldest) when none is chosen.</summary>
    public static Result<SendAddress> ChooseFrom(IReadOnlyList<SendAddress> inboxAddresses, Guid? chosen)
    {
        var from = chosen is { } id
            ? inboxAddresses.SingleOrDefault(a => a.Id == id)
            : inboxAddresses.OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt).FirstOrDefault();
        if (from is not null)
            return from;
        return chosen is null
            ? new Error(ErrorKind.Invalid, "no_send_address", "This inbox has no send address yet: add one in 送信設定 (send settings) first.")
            : Error.NotFound("The send address");
    }

    /// <summary>Addresses as typed (blank ones skipped); <paramref name="bad"/> names the first that is not an address.</summary>
    public static List<MailboxAddress> Parse(IReadOnlyList<string>? values, out string? bad)
    {
        bad = null;
        var list = new List<MailboxAddress>();
        foreach (var value in values ?? [])
        {
            if (string.IsNullOrWhiteSpace(value))
                continue;
            if (!MailboxAddress.TryParse(value.Trim(), out var address) || !Emails.IsValid(address.Address))
            {
                bad = value;
                return list;
            }
            list.Add(address);
        }
        return list;
    }

    /// <summary>To, Cc and Bcc as typed, or 400 <c>address_invalid</c> naming the first that is not an address.</summary>
    public static Result<(List<MailboxAddress> To, List<MailboxAddress> Cc, List<MailboxAddress> Bcc)> ParseAll(IReadOnlyList<string>? to,
        IReadOnlyList<string>? cc, IReadOnlyList<string>? bcc)
    {
        var toList = Parse(to, out var badTo);
        var ccList = Parse(cc, out var badCc);
        var bccList = Parse(bcc, out var badBcc);
        if ((badTo ?? badCc ?? badBcc) is { } bad)
            return InvalidAddress(bad);
        return (toList, ccList, bccList);
    }

    /// <summary>The checks on the final recipients: at least one To, the recipient limit, and (unless confirmed) none that
    /// hard-bounced before (409 <c>recipient_hard_bounced</c>). Returns the hard-bounced ones the sender confirmed.</summary>
    public static async Task<Result<IReadOnlyList<HardBounceFlag>>> CheckRecipientsAsync(IsHardBouncedQuery hardBounces, Guid accountId,
        IReadOnlyList<MailboxAddress> to, IReadOnlyList<MailboxAddress> cc, IReadOnlyList<MailboxAddress> bcc, SendingOptions options, bool confirmHardBounced,
        CancellationToken ct)
    {
        if (to.Count == 0)
            return ToRequired();
        if (CheckRecipients(to.Count + cc.Count + bcc.Count, options) is { } tooMany)
            return tooMany;
        var hardBounced = await hardBounces.HandleAsync(accountId, to.Concat(cc).Concat(bcc).Select(a => a.Address), ct);
        if (hardBounced.Count > 0 && !confirmHardBounced)
            return QueueReplyCommand.HardBounced(hardBounced);
        return Result<IReadOnlyList<HardBounceFlag>>.Ok(hardBounced);
    }

    public static Error InvalidAddress(string bad) => new(ErrorKind.Invalid, "address_invalid", $"\"{bad}\" is not an email address.");

    public static Error ToRequired() => new(ErrorKind.Invalid, "to_required", "Enter at least one recipient (To).");

    /// <summary>To + Cc + Bcc against the installation's limit, with a message naming it.</summary>
    public static Error? CheckRecipients(int count, SendingOptions options) => count <= options.MaxRecipients ? null
        : new Error(ErrorKind.Invalid, "too_many_recipients",
            $"A message can have at most {options.MaxRecipients} recipients (To + Cc + Bcc); this one has {count}. / 宛先（To・Cc・Bcc）は1通あたり{options.MaxRecipients}件までです（現在{count}件）。");

    /// <summary>The message's bytes against the installation's limit, with a message naming it.</summary>
    public static Error? CheckSize(long bytes, SendingOptions options) => bytes <= options.MaxMessageBytes ? null
        : new Error(ErrorKind.Invalid, "message_too_large",
            $"A message can be at most {options.MaxMessageBytes:N0} bytes; this one is {bytes:N0}. / メールの大きさは{options.MaxMessageBytes:N0}バイトまでです（現在{bytes:N0}バイト）。");

    /// <summary>An address list as the messages table keeps it (JSON of {"Name","Address"}).</summary>
    public static string Json(IEnumerable<MailboxAddress> addresses) =>
        JsonSerializer.Serialize(addresses.Select(a => new ParsedAddress(a.Name ?? "", a.Address)).ToList());
}
