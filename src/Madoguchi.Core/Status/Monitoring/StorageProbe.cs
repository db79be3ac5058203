using System.Security.Cryptography;
using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Blob store writable and free disk space: writes a small probe blob through the real store (temporary file,
/// fsync, rename, fsync of the folder), deletes it, and reads the free space of the data folder's disk. The probe blob's
/// bytes are random per process, so it never shares an address with a stored message.</summary>
public sealed class StorageProbe(IBlobStore blobs, IOptions<StorageLocationOptions> location, IOptions<MonitoringOptions> options) : IProbe
{
    /// <summary>This process's probe bytes: random, so no stored message can share their address (and be deleted by the
    /// probe), and the same every round, so the probe reuses one blob folder instead of leaving new empty ones.</summary>
    private readonly byte[] _probe = NewProbeBytes();

    private string ProbeHash => _probeHash ??= Convert.ToHexStringLower(SHA256.HashData(_probe));
    private string? _probeHash;

    public StatusComponent Component => StatusComponent.Storage;

    public async Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        string? fault = null;
        try
        {
            // A probe blob left behind by a failed delete would let the put find it intact and write nothing: remove it
            // first, so every round really writes.
            if (blobs.Exists(ProbeHash))
                await blobs.DeleteAsync(ProbeHash, ct);
            var blob = await blobs.PutAsync(_probe, ct);
            await blobs.DeleteAsync(blob.Hash, ct);
        }
        catch (BlobStorageException e)
        {
            fault = e.Summary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            fault = "the probe file could not be removed";
        }
        var (free, total) = FreeSpace(location.Value.FullDataDirectory);
        return ProbeThresholds.Storage(fault, free, total, options.Value.Storage);
    }

    private static byte[] NewProbeBytes()
    {
        var probe = new byte[64];
        "Madoguchi storage probe "u8.CopyTo(probe);
        RandomNumberGenerator.Fill(probe.AsSpan(24));
        return probe;
    }

    private static (long? Free, long? Total) FreeSpace(string folder)
    {
        try
        {
            var drive = new DriveInfo(folder);
            return (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, null);
        }
    }
}
