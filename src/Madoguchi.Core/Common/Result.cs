namespace Madoguchi.Core.Common;

/// <summary>What went wrong, in a form both the API (status code) and the UI (message) can use.</summary>
public enum ErrorKind
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
    Locked,
    Unauthorized,
}

/// <summary>A rule that refused an action. <see cref="Code"/> is stable and keys the UI's translations;
/// <see cref="Message"/> is the English text for logs and API clients.</summary>
public sealed record Error(ErrorKind Kind, string Code, string Message)
{
    /// <summary>Extra members of the API's problem details (e.g. the recipients a refusal is about); null for none.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static Error NotFound(string what) => new(ErrorKind.NotFound, "not_found", $"{what} was not found.");
    public static Error OwnersOnly() => new(ErrorKind.Forbidden, "owners_only", "Only an account owner can do this.");
}

public readonly record struct Result
{
    public Error? Error { get; }
    public bool Succeeded => Error is null;

    private Result(Error? error) => Error = error;

    public static Result Ok() => new(null);
    public static Result Fail(Error error) => new(error);
    public static implicit operator Result(Error error) => new(error);
}

public readonly record struct Result<T>
{
    public T? Value { get; }
    public Error? Error { get; }
    public bool Succeeded => Error is null;

    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public static Result<T> Ok(T value) => new(value, null);
    public static Result<T> Fail(Error error) => new(default, error);
    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(Error error) => new(default, error);
}
