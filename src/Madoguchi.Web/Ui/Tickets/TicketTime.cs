using System.Globalization;
using Madoguchi.Web.Ui.Shared;

namespace Madoguchi.Web.Ui.Tickets;

/// <summary>Short times for the ticket list, in the reader's zone: today's as 13:05, this year's as 12/05 13:05, older
/// ones with the year. The full time goes in the tooltip (<see cref="UserClock.Format(DateTime)"/>).</summary>
public static class TicketTime
{
    public static string Short(UserClock clock, DateTime utc, DateTime nowUtc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), clock.Zone);
        var today = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), clock.Zone).Date;
        var format = local.Date == today ? "HH:mm" : local.Year == today.Year ? "MM/dd HH:mm" : "yyyy/MM/dd";
        return local.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>A file size people read: 512 B, 12.3 KB, 4.5 MB.</summary>
    public static string Size(long bytes) =>
        bytes < 1024 ? $"{bytes} B"
        : bytes < 1024 * 1024 ? (bytes / 1024.0).ToString("0.#", CultureInfo.CurrentCulture) + " KB"
        : (bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.CurrentCulture) + " MB";

    /// <summary>The icon of an attachment chip, by its type.</summary>
    public static string Icon(string contentType, string fileName)
    {
        var type = contentType.ToLowerInvariant();
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (type.StartsWith("image/", StringComparison.Ordinal))
            return MudBlazor.Icons.Material.Filled.Image;
        if (type == "application/pdf" || ext == ".pdf")
            return MudBlazor.Icons.Material.Filled.PictureAsPdf;
        if (type.Contains("zip", StringComparison.Ordinal) || ext is ".zip" or ".7z" or ".gz" or ".lzh")
            return MudBlazor.Icons.Material.Filled.FolderZip;
        if (type.Contains("spreadsheet", StringComparison.Ordinal) || type.Contains("excel", StringComparison.Ordinal) || ext is ".xlsx" or ".xls" or ".csv")
            return MudBlazor.Icons.Material.Filled.TableChart;
        if (type == "message/rfc822" || ext == ".eml")
            return MudBlazor.Icons.Material.Filled.Email;
        if (type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("word", StringComparison.Ordinal) || ext is ".doc" or ".docx" or ".txt")
            return MudBlazor.Icons.Material.Filled.Description;
        return MudBlazor.Icons.Material.Filled.AttachFile;
    }
}
