using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>Originals that survive a power cut: what a cut can leave at a blob's address (an empty, truncated or
/// zero-filled file) is never trusted, a POP3 delete waits for durable bytes and a committed row, and a damaged original
/// is reported, never served as the mail and never a 500.</summary>
public sealed class DurabilityTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    public enum Damage
    {
        Empty,
        Truncated,
        ZeroFilled,
        Missing,
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task Fetch_DamagedFileAlreadyAtTheAddress_IsRewrittenFromTheFetchedBytes(DatabaseProvider provider, string protocol)
    {
        var user = await dovecot.AddUniqueUserAsync();
        var originals = Enumerable.Range(0, 4).Select(i => DovecotServer.SampleMessage($"power-cut-{i}-{Guid.NewGuid():N}@example.jp", $"件名 {i}", new string('本', 400 + i))).ToList();
        await dovecot.Server.DeliverManyAsync(user.Name, originals);
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        // What a power cut between rename and write-back leaves behind: an empty file, a truncated one, one of the
        // right size whose blocks never reached the disk. The fourth address is free.
        DamageFile(scenario.App, TestMailbox.Sha256(originals[0]), originals[0], Damage.Empty);
        DamageFile(scenario.App, TestMailbox.Sha256(originals[1]), originals[1], Damage.Truncated);
        DamageFile(scenario.App, TestMailbox.Sha256(originals[2]), originals[2], Damage.ZeroFilled);
        await scenario.AddServerAsync(protocol == "imap" ? ReceivingScenario.Imap(dovecot.Server, user) : ReceivingScenario.Pop3(dovecot.Server, user));

        var result = await scenario.FetchNowAsync();

        Assert.Equal(4, result.GetProperty("stored").GetInt32());
        await scenario.AssertStoredExactlyAsync(originals);
        foreach (var original in originals)
            Assert.Equal(original, await File.ReadAllBytesAsync(BlobPath(scenario.App, TestMailbox.Sha256(original))));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pop3_OriginalsNotDurable_NothingDeletedOnServer_NextPassStoresThenDeletes(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        var originals = Enumerable.Range(0, 5).Select(i => DovecotServer.SampleMessage($"flush-{i}-{Guid.NewGuid():N}@example.jp")).ToList();
        await dovecot.Server.DeliverManyAsync(user.Name, originals);
        var flush = new FailingFlush();
        await using var scenario = await ReceivingScenario.StartAsync(provider, services: s => s.AddSingleton<IBlobStore>(sp =>
            new FlushFaultBlobStore(new FileBlobStore(sp.GetRequiredService<IOptions<StorageLocationOptions>>()), flush)));
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { leaveOnServer = false }));

        flush.Failing = true;
        var failed = await scenario.FetchNowAsync();
        var onServerAfterFailure = await dovecot.Server.CountMessagesAsync(user.Name);
        var storedAfterFailure = (await scenario.StoredAsync()).Count;
        flush.Failing = false;
        var after = await scenario.FetchNowAsync();

        Assert.False(failed.GetProperty("items")[0].GetProperty("ok").GetBoolean());
        Assert.Equal((5, 0), (onServerAfterFailure, storedAfterFailure));
        Assert.Equal(5, after.GetProperty("items")[0].GetProperty("deletedOnServer").GetInt32());
        Assert.Equal(0, await dovecot.Server.CountMessagesAsync(user.Name));
        await scenario.AssertStoredExactlyAsync(originals);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pop3_RowsNotCommitted_NothingDeletedOnServer_NextPassStoresThenDeletes(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        var originals = Enumerable.Range(0, 5).Select(i => DovecotServer.SampleMessage($"commit-{i}-{Guid.NewGuid():N}@example.jp")).ToList();
        await dovecot.Server.DeliverManyAsync(user.Name, originals);
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { leaveOnServer = false }));

        // The database refuses the rows (as a full disk or a lost connection at commit would).
        await scenario.App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Sqlite
            ? "CREATE TRIGGER refuse_raw BEFORE INSERT ON RawMessages BEGIN SELECT RAISE(ABORT, 'refused by test'); END;"
            : """
              CREATE FUNCTION refuse_raw() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
              CREATE TRIGGER refuse_raw BEFORE INSERT ON "RawMessages" FOR EACH ROW EXECUTE FUNCTION refuse_raw();
              """));
        var failed = await scenario.FetchNowAsync();
        var onServerAfterFailure = await dovecot.Server.CountMessagesAsync(user.Name);
        await scenario.App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Sqlite
            ? "DROP TRIGGER refuse_raw;"
            : """DROP TRIGGER refuse_raw ON "RawMessages"; DROP FUNCTION refuse_raw();"""));
        var after = await scenario.FetchNowAsync();

        Assert.False(failed.GetProperty("items")[0].GetProperty("ok").GetBoolean());
        Assert.Equal(5, onServerAfterFailure);
        Assert.Equal(5, after.GetProperty("items")[0].GetProperty("deletedOnServer").GetInt32());
        Assert.Equal(0, await dovecot.Server.CountMessagesAsync(user.Name));
        await scenario.AssertStoredExactlyAsync(originals);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, Damage.Truncated)]
    [InlineData(DatabaseProvider.Postgres, Damage.Truncated)]
    [InlineData(DatabaseProvider.Sqlite, Damage.Missing)]
    [InlineData(DatabaseProvider.Postgres, Damage.Missing)]
    [InlineData(DatabaseProvider.Sqlite, Damage.ZeroFilled)]
    [InlineData(DatabaseProvider.Postgres, Damage.ZeroFilled)]
    public async Task Original_DamagedInStorage_ApiSaysSoAndNeverAnswers500(DatabaseProvider provider, Damage damage)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var bytes = System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "壊れた原本", body: new string('文', 300)).ReplaceLineEndings("\r\n"));
        var location = await app.ReceiveAsync(inbox.Id, bytes);

        DamageFile(app, TestMailbox.Sha256(bytes), bytes, damage);
        var raw = await client.GetAsync($"/api/v1/messages/{location.TicketMessageId}/raw");
        var ticket = await client.GetAsync($"/api/v1/tickets/{location.TicketId}");

        await raw.AssertProblemAsync(HttpStatusCode.Conflict, "original_damaged");
        Assert.Equal(HttpStatusCode.OK, ticket.StatusCode);
        var readProblem = (await ticket.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("readProblem");
        if (damage == Damage.ZeroFilled)
            // Same size: the ticket view only stats the file (hashing every original on every view is not affordable); the download hashes it.
            Assert.Equal(JsonValueKind.Null, readProblem.ValueKind);
        else
            Assert.Contains("storage", readProblem.GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, Damage.Truncated)]
    [InlineData(DatabaseProvider.Postgres, Damage.ZeroFilled)]
    [InlineData(DatabaseProvider.Postgres, Damage.Missing)]
    public async Task Pipeline_DamagedOriginal_RecordsTheReasonInsteadOfParsingIt(DatabaseProvider provider, Damage damage)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var bytes = System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "壊れた原本").ReplaceLineEndings("\r\n"));
        var blob = await app.Services.GetRequiredService<IBlobStore>().PutAsync(bytes, CancellationToken.None);
        DamageFile(app, blob.Hash, bytes, damage);

        var rawId = await app.WithDbAsync(async db =>
        {
            var raw = new RawMessage { AccountId = account.Id, InboxId = inbox.Id, BlobHash = blob.Hash, Size = blob.Size, ReceivedAt = DateTime.UtcNow };
            db.RawMessages.Add(raw);
            await db.SaveChangesAsync();
            return raw.Id;
        });
        app.Services.GetRequiredService<InboundSignal>().NewOriginalsStored();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WaitForPipelineAsync(rawId));

        // The reason says what is wrong with the original, in our words (never the exception's type or text).
        var expected = DamagedBlobException.Describe(damage switch
        {
            Damage.Missing => BlobCondition.Missing,
            Damage.Truncated => BlobCondition.WrongSize,
            _ => BlobCondition.WrongContent,
        });
        Assert.EndsWith(": " + expected, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketMessages.CountAsync(m => m.RawMessageId == rawId)));
    }

    private static string Id() => $"{Guid.NewGuid():N}@customer.example";

    private static string BlobPath(MadoguchiApp app, string hash) =>
        Path.Combine(Path.GetFullPath(app.Database.DataDirectory), "blobs", hash[..2], hash[2..4], hash);

    private static void DamageFile(MadoguchiApp app, string hash, byte[] original, Damage damage)
    {
        var path = BlobPath(app, hash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (damage)
        {
            case Damage.Empty:
                File.WriteAllBytes(path, []);
                break;
            case Damage.Truncated:
                File.WriteAllBytes(path, original[..(original.Length / 2)]);
                break;
            case Damage.ZeroFilled:
                var zeros = (byte[])original.Clone();
                Array.Clear(zeros, original.Length / 2, original.Length - original.Length / 2);
                File.WriteAllBytes(path, zeros);
                break;
            case Damage.Missing:
                File.Delete(path);
                break;
        }
    }

    private sealed class FailingFlush
    {
        public volatile bool Failing;
    }

    /// <summary>The real store, whose flush fails on demand (as fsync does with EIO on a failing disk).</summary>
    private sealed class FlushFaultBlobStore(FileBlobStore inner, FailingFlush flush) : IBlobStore
    {
        public Task<BlobRef> PutAsync(Stream content, CancellationToken ct) => inner.PutAsync(content, ct);

        public Task<BlobRef> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutAsync(content, ct);

        public Task<BlobRef> PutDeferredAsync(ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutDeferredAsync(content, ct);

        public Task<BlobRef> PutDeferredAsync(Stream content, CancellationToken ct) => inner.PutDeferredAsync(content, ct);

        public Task SyncAsync(CancellationToken ct) =>
            flush.Failing ? throw new IOException("Input/output error (injected by the test)") : inner.SyncAsync(ct);

        public Stream OpenRead(string hash) => inner.OpenRead(hash);

        public bool Exists(string hash) => inner.Exists(hash);

        public Task<BlobCondition> CheckAsync(string hash, long size, bool verifyContent, CancellationToken ct) => inner.CheckAsync(hash, size, verifyContent, ct);

        public Task DeleteAsync(string hash, CancellationToken ct) => inner.DeleteAsync(hash, ct);
    }
}

/// <summary>The write order itself, on the real file system: a deferred blob has no name at its address until the sync
/// that flushed its bytes, and is readable from where it waits meanwhile.</summary>
public sealed class BlobWriteOrderTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("madoguchi-blobs-").FullName;

    [Fact]
    public async Task DeferredBlob_GetsItsAddressOnlyAtSync_AndIsReadableBefore()
    {
        var store = new FileBlobStore(Options.Create(new StorageLocationOptions { DataDirectory = _data }));
        var bytes = System.Text.Encoding.UTF8.GetBytes("Subject: 順序\r\n\r\n本文\r\n");

        var blob = await store.PutDeferredAsync(new MemoryStream(bytes), CancellationToken.None);
        var path = Path.Combine(_data, "blobs", blob.Hash[..2], blob.Hash[2..4], blob.Hash);
        var namedBeforeSync = File.Exists(path);
        byte[] readBeforeSync;
        await using (var stream = store.OpenRead(blob.Hash))
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            readBeforeSync = copy.ToArray();
        }
        await store.SyncAsync(CancellationToken.None);

        Assert.False(namedBeforeSync);
        Assert.Equal(bytes, readBeforeSync);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.Empty(Directory.GetFiles(Path.Combine(_data, "blobs", "tmp")));
        Assert.Equal(BlobCondition.Intact, await store.CheckAsync(blob.Hash, bytes.Length, verifyContent: true, CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
