namespace Madoguchi.Core.Common;

/// <summary>One page of a collection, as every list endpoint answers: <c>{"items": [...], "total": N}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>Offset paging with the project-wide limit of 200 rows.</summary>
public readonly record struct PageRequest(int Offset, int Limit)
{
    public const int MaxLimit = 200;
    public const int DefaultLimit = 50;

    public static Result<PageRequest> Create(int? offset, int? limit)
    {
        var o = offset ?? 0;
        var l = limit ?? DefaultLimit;
        if (o < 0)
            return new Error(ErrorKind.Invalid, "invalid_offset", "offset must be 0 or more.");
        if (l < 1 || l > MaxLimit)
            return new Error(ErrorKind.Invalid, "invalid_limit", $"limit must be between 1 and {MaxLimit}.");
        return new PageRequest(o, l);
    }
}

public static class PagingExtensions
{
    public static IQueryable<T> Page<T>(this IQueryable<T> query, PageRequest page) => query.Skip(page.Offset).Take(page.Limit);
}
