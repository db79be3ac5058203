using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Reads;

/// <summary>When a user last opened a ticket: the list's unread mark is per user, and a ticket is unread for someone
/// until they open it after its newest message arrived.</summary>
public sealed class TicketRead
{
    public Guid TicketId { get; init; }
    public Guid UserId { get; init; }
    public DateTime ReadAt { get; set; }

    /// <summary>Unread for this user: never opened, or a message came after they last opened it.</summary>
    public static bool IsUnread(DateTime? readAt, DateTime lastMessageAt) => readAt is not { } read || read < lastMessageAt;
}

internal sealed class TicketReadConfiguration : IEntityTypeConfiguration<TicketRead>
{
    public void Configure(EntityTypeBuilder<TicketRead> builder)
    {
        builder.HasKey(r => new { r.UserId, r.TicketId });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(r => r.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Accounts.Users.User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The actor opened the ticket: it is read for them (not for anyone else) until the next message arrives.</summary>
public sealed class MarkTicketReadCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var ticket = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!ticket.Succeeded)
            return ticket.Error!;
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.TicketReads.Where(r => r.UserId == actor.Id && r.TicketId == ticketId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReadAt, now), ct);
        if (updated > 0)
            return Result.Ok();
        db.TicketReads.Add(new TicketRead { TicketId = ticketId, UserId = actor.Id, ReadAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Opened twice at once (two tabs): the other insert recorded the same fact.
        }
        return Result.Ok();
    }
}
