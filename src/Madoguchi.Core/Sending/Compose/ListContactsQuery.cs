using System.Text.Json;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>One past correspondent of an inbox, as the To/Cc/Bcc suggestions show it.</summary>
public sealed record ContactView(string Name, string Address);

/// <summary>Suggestions for To/Cc/Bcc: addresses and names seen in this inbox's messages (From, Reply-To, To and Cc of
/// received and sent mail), newest first, whose address or name (or a word of it) starts with <c>q</c>, case-insensitive.
/// The inbox's own send addresses are left out. Anyone who may write mail in the inbox (アシスタント or higher); another
/// inbox's correspondents are never suggested.
/// <para>Addresses live in the messages as JSON (shown, never queried), so the database narrows by a substring of the JSON
/// text to the newest <see cref="ScanLimit"/> messages that mention <c>q</c>, and the exact prefix rule runs here.</para></summary>
public sealed class ListContactsQuery(MadoguchiDbContext db)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;
    private const int ScanLimit = 500;

    public async Task<Result<IReadOnlyList<ContactView>>> HandleAsync(Actor actor, Guid inboxId, string? q, int? limit, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var take = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
        var term = (q ?? "").Trim().ToLowerInvariant();
        if (term.Length > 320)
            return new Error(ErrorKind.Invalid, "q_too_long", "q can be at most 320 characters.");
        // The JSON escapes non-ASCII characters (\uXXXX): look for the escaped form as well as the plain one.
        var escaped = JsonEncodedText.Encode(term).ToString().ToLowerInvariant();
        var messages = db.TicketMessages.AsNoTracking().Where(m => m.InboxId == inboxId);
        if (term.Length > 0)
            messages = messages.Where(m => (m.FromJson + m.ReplyToJson + m.ToJson + m.CcJson).ToLower().Contains(term)
                || (m.FromJson + m.ReplyToJson + m.ToJson + m.CcJson).ToLower().Contains(escaped));
        var rows = await messages.OrderByDescending(m => m.Date).ThenByDescending(m => m.Id).Take(ScanLimit)
            .Select(m => new { m.FromJson, m.ReplyToJson, m.ToJson, m.CcJson }).ToListAsync(ct);
        var ours = (await db.SendAddresses.AsNoTracking().Where(a => a.InboxId == inboxId).Select(a => a.Address).ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var found = new List<ContactView>();
        foreach (var row in rows)
        {
            foreach (var a in AddressView.FromJson(row.FromJson).Concat(AddressView.FromJson(row.ReplyToJson))
                         .Concat(AddressView.FromJson(row.ToJson)).Concat(AddressView.FromJson(row.CcJson)))
            {
                if (a.Address.Length == 0 || ours.Contains(a.Address) || !Matches(a, term) || !seen.Add(a.Address))
                    continue;
                found.Add(new ContactView(a.Name, a.Address));
                if (found.Count == take)
                    return found;
            }
        }
        return found;
    }

    private static bool Matches(AddressView a, string term) =>
        term.Length == 0
        || a.Address.StartsWith(term, StringComparison.OrdinalIgnoreCase)
        || a.Name.StartsWith(term, StringComparison.OrdinalIgnoreCase)
        || a.Name.Split([' ', '　'], StringSplitOptions.RemoveEmptyEntries).Any(w => w.StartsWith(term, StringComparison.OrdinalIgnoreCase));
}
