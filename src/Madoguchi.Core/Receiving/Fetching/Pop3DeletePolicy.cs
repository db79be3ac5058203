namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>When a stored POP3 message may be deleted on the server. Only ever asked about messages whose storing has
/// committed. Not leaving mail on the server, or 0 days, means at once; null days means never. Pure; unit-tested.</summary>
public static class Pop3DeletePolicy
{
    public static bool IsDue(bool leaveOnServer, int? deleteAfterDays, DateTime storedAt, DateTime now)
    {
        if (!leaveOnServer)
            return true;
        if (deleteAfterDays is not { } days)
            return false;
        return days <= 0 || now >= storedAt.AddDays(days);
    }
}
