namespace Madoguchi.Core.Common;

public static class Ids
{
    /// <summary>Time-ordered ids keep inserts at the end of indexes on both databases.</summary>
    public static Guid New() => Guid.CreateVersion7();
}
