using Madoguchi.Core.Common;
using Madoguchi.Core.Data;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>Every user chooses their own UI language ("ja", "en", or null to follow the browser).</summary>
public sealed class SetOwnLanguageCommand(MadoguchiDbContext db)
{
    public async Task<Result<UserView>> HandleAsync(Actor actor, string? language, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        language = string.IsNullOrEmpty(language) ? null : language;
        var invalid = UserRules.CheckLanguage(language);
        if (invalid is not null)
            return invalid;
        me.Value!.Language = language;
        await db.SaveChangesAsync(ct);
        return UserView.From(me.Value);
    }
}
