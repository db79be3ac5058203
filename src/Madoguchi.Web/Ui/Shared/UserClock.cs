using System.Globalization;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;

namespace Madoguchi.Web.Ui.Shared;

/// <summary>Shows times the way the signed-in user reads them: in their own time zone (個人設定), else their account's
/// (システム設定), never the server's. One per circuit (or request); <see cref="SignedInComponent"/> loads it before a
/// page initialises, so every screen formats through <see cref="Format(DateTime)"/> without converting by itself.</summary>
public sealed class UserClock(FreshScope handlers)
{
    private TimeZoneInfo? _zone;

    public TimeZoneInfo Zone => _zone ?? TimeZones.Find(TimeZones.Default);

    public async Task LoadAsync(Actor? actor)
    {
        if (_zone is null)
            _zone = await handlers.RunAsync<GetDisplayTimeZoneQuery, TimeZoneInfo>(q => q.HandleAsync(actor, CancellationToken.None));
    }

    /// <summary>After the user or an owner changed a zone: the next page load reads it again.</summary>
    public void Forget() => _zone = null;

    /// <summary>A stored UTC time, to the minute, in the user's zone.</summary>
    public string Format(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string Format(DateTimeOffset time) => Format(time.UtcDateTime);

    /// <summary>Where a calendar date picked on a screen begins, in the user's zone.</summary>
    public DateTimeOffset StartOf(DateTime date) => new(TimeZones.StartOfDateUtc(DateOnly.FromDateTime(date), Zone), TimeSpan.Zero);
}
