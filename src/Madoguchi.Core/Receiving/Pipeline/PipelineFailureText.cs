using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>The reason shown in 受信設定 for an original the pipeline could not turn into a ticket: our words for the
/// kind of failure, never the exception's own text (which can carry SQL, paths or mail content). The full exception
/// goes to the server log as event 2500, which the reason names.</summary>
public static class PipelineFailureText
{
    public static string Describe(Exception failure) => failure.GetBaseException() switch
    {
        DbUpdateException or System.Data.Common.DbException =>
            "The database refused to store this message. Details are in the server log (event 2500); reprocessing retries it.",
        Core.Storage.DamagedBlobException damaged => Core.Storage.DamagedBlobException.Describe(damaged.Condition),
        FileNotFoundException or DirectoryNotFoundException => Core.Storage.DamagedBlobException.Describe(Core.Storage.BlobCondition.Missing),
        IOException or UnauthorizedAccessException =>
            "The original of this message could not be read from the blob store. Details are in the server log (event 2500).",
        TimeoutException =>
            "Processing this message timed out. Reprocessing retries it; details are in the server log (event 2500).",
        _ => "An unexpected error stopped processing this message. Details are in the server log (event 2500); reprocessing retries it.",
    };
}
