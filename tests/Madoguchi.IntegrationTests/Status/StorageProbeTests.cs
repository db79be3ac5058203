using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Storage follows the blob folder: unwritable turns it to major outage at the next round, operators are
/// alerted in the console, and the round after the fix turns it back and announces the recovery.</summary>
public sealed class StorageProbeTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BlobFolderUnwritable_StorageMajorOutage_OperatorsAlerted_ThenRecovered(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, ProbeRounds.Settings(TimeSpan.FromSeconds(1)));
        using var operatorClient = await app.SignInOperatorAsync();
        var start = DateTime.UtcNow;
        var first = await ProbeRounds.AfterAsync(app, StatusComponent.Storage, start.AddMinutes(-1), 1);
        Assert.Equal(ComponentState.Operational, first[0].State);

        // Root ignores permissions, so make the folder unwritable in a way root cannot write through either: a file where
        // the blob store's temporary folder belongs.
        var temp = Path.Combine(Path.GetFullPath(app.Database.DataDirectory), "blobs", "tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        // The probe (every second) may create the folder again between the delete and the write, or write into it while
        // it is deleted: try again until the file is in its place.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(temp))
                    Directory.Delete(temp, recursive: true);
                await File.WriteAllTextAsync(temp, "not a folder");
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < 100)
            {
                await Task.Delay(20);
            }
        }
        var brokenAt = DateTime.UtcNow;

        var broken = (await ProbeRounds.AfterAsync(app, StatusComponent.Storage, brokenAt, 1))[0];
        Assert.Equal(ComponentState.MajorOutage, broken.State);
        Assert.StartsWith("The blob store cannot write", broken.Detail, StringComparison.Ordinal);
        var others = await app.WithDbAsync(db => db.ProbeResults.Where(p => p.CheckedAt == broken.CheckedAt && p.Component != StatusComponent.Storage).Select(p => p.State).ToListAsync());
        Assert.Equal(Enum.GetValues<StatusComponent>().Length - 1, others.Count);
        Assert.All(others, s => Assert.Equal(ComponentState.Operational, s));
        var alert = await WaitForAlertAsync(operatorClient, a => a.GetProperty("component").GetString() == "storage" && !a.GetProperty("isRecovery").GetBoolean());
        Assert.Equal("majorOutage", alert.GetProperty("state").GetString());
        Assert.Equal("operational", alert.GetProperty("previousState").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("readAt").ValueKind);

        File.Delete(temp);
        var fixedAt = DateTime.UtcNow;

        var healed = (await ProbeRounds.AfterAsync(app, StatusComponent.Storage, fixedAt, 1))[0];
        Assert.Equal(ComponentState.Operational, healed.State);
        var recovery = await WaitForAlertAsync(operatorClient, a => a.GetProperty("component").GetString() == "storage" && a.GetProperty("isRecovery").GetBoolean());
        Assert.Equal("operational", recovery.GetProperty("state").GetString());
        Assert.Equal("majorOutage", recovery.GetProperty("previousState").GetString());

        // Marked read, it leaves the unread list.
        var read = await operatorClient.PostAsync($"/api/v1/operator/alerts/{alert.GetProperty("id").GetGuid()}/read", null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var unread = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/operator/alerts?unread=true");
        Assert.DoesNotContain(unread.EnumerateArray(), a => a.GetProperty("id").GetGuid() == alert.GetProperty("id").GetGuid());
        Assert.Contains(unread.EnumerateArray(), a => a.GetProperty("id").GetGuid() == recovery.GetProperty("id").GetGuid());
    }

    private static async Task<JsonElement> WaitForAlertAsync(HttpClient operatorClient, Func<JsonElement, bool> match)
    {
        for (var i = 0; i < 600; i++)
        {
            var alerts = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/operator/alerts");
            foreach (var a in alerts.EnumerateArray())
                if (match(a))
                    return a.Clone();
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("The expected operator alert never came.");
    }
}
