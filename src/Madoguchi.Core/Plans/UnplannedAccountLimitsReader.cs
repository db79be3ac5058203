using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Plans;

/// <summary>Limits from the installation settings, for an account without a plan.</summary>
internal sealed class UnplannedAccountLimitsReader(IOptions<PlansOptions> options) : IAccountLimitsReader
{
    public Task<AccountLimits> GetAsync(Guid accountId, CancellationToken ct)
    {
        var o = options.Value;
        return Task.FromResult(new AccountLimits(o.UnplannedUsers, o.UnplannedInboxes, o.UnplannedStorageMb * 1024 * 1024));
    }
}
