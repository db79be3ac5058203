using System.Text.Json;
using Madoguchi.Core.Common;

namespace Madoguchi.Web.Api;

/// <summary>Turns Core results into HTTP answers: RFC 9457 problem details with a stable <c>code</c> for every refusal.</summary>
public static class ApiResults
{
    public static IResult ToHttp<T>(this Result<T> result) => result.Succeeded ? TypedResults.Ok(result.Value) : Problem(result.Error!);

    public static IResult ToHttp<T, TOut>(this Result<T> result, Func<T, TOut> map) => result.Succeeded ? TypedResults.Ok(map(result.Value!)) : Problem(result.Error!);

    public static IResult ToHttp(this Result result) => result.Succeeded ? TypedResults.NoContent() : Problem(result.Error!);

    public static IResult Problem(Error error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        foreach (var (name, value) in error.Extensions ?? new Dictionary<string, object?>())
            extensions.TryAdd(name, value);
        return TypedResults.Problem(statusCode: StatusFor(error.Kind), title: TitleFor(error.Kind), detail: error.Message, extensions: extensions);
    }

    public static IResult Invalid(string code, string message) => Problem(new Error(ErrorKind.Invalid, code, message));

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Locked => StatusCodes.Status423Locked,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static string TitleFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => "The request is not valid.",
        ErrorKind.Unauthorized => "Sign-in required.",
        ErrorKind.Forbidden => "Not allowed.",
        ErrorKind.NotFound => "Not found.",
        ErrorKind.Conflict => "Conflict.",
        ErrorKind.Locked => "Locked.",
        _ => "Error.",
    };

    public static async Task TooManySignInAttempts(HttpContext context, CancellationToken ct)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "60";
        await TypedResults.Problem(statusCode: 429, title: "Too many sign-in attempts.",
            detail: "Too many sign-in attempts from this address. Wait a minute and try again.",
            extensions: new Dictionary<string, object?> { ["code"] = "too_many_attempts" }).ExecuteAsync(context);
    }

    /// <summary>An enum filter from the query string, spelled as the API writes it (camelCase names, any case), or the problem
    /// to answer with. Numbers and unknown names are refused, so a typo never silently filters nothing.</summary>
    public static bool TryFilter<T>(string? value, string name, out T? filter, out IResult? problem) where T : struct, Enum
    {
        filter = null;
        problem = null;
        if (string.IsNullOrEmpty(value))
            return true;
        if (!char.IsAsciiDigit(value[0]) && value[0] != '-' && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            filter = parsed;
            return true;
        }
        var names = string.Join(", ", Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName));
        problem = Invalid($"invalid_{name}", $"Unknown {name} \"{value}\". Use one of: {names}.");
        return false;
    }

    /// <summary>Offset/limit from the query string, or the problem to answer with.</summary>
    public static bool TryPage(int? offset, int? limit, out PageRequest page, out IResult? problem)
    {
        var result = PageRequest.Create(offset, limit);
        page = result.Value;
        problem = result.Succeeded ? null : Problem(result.Error!);
        return result.Succeeded;
    }
}
