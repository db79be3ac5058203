using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Sessions;

/// <summary>Signing out ends the session on the server, not only in the browser: a new security stamp makes every
/// cookie issued before it invalid on its next request, so a copied cookie stops working. The person's other
/// signed-in browsers sign in again too (the stamp is per user or operator).</summary>
public sealed class EndSessionCommand(MadoguchiDbContext db)
{
    public async Task HandleAsync(Actor actor, CancellationToken ct)
    {
        var stamp = Guid.NewGuid().ToString("N");
        if (actor.Kind == ActorKind.Operator)
            await db.Operators.Where(o => o.Id == actor.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.SecurityStamp, stamp), ct);
        else if (actor.IsUser)
            await db.Users.Where(u => u.Id == actor.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.SecurityStamp, stamp), ct);
    }
}
