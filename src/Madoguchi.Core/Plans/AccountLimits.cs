namespace Madoguchi.Core.Plans;

/// <summary>What an account may have: its plan's bundle plus approved options. Users counts invited and locked users;
/// storage is never enforced on mail (receiving and sending go on over the limit), only warned about.</summary>
public sealed record AccountLimits(int Users, int Inboxes, long StorageBytes);

/// <summary>Reads an account's current limits. The one place every limit check and the storage banner ask.</summary>
public interface IAccountLimitsReader
{
    Task<AccountLimits> GetAsync(Guid accountId, CancellationToken ct);
}
