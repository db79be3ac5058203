using System.Text.Json;
using Madoguchi.Core.Bounces.Analysis;
using Xunit.Abstractions;

namespace Madoguchi.Tests.Bounces;

/// <summary>The analyzer over the public bounce corpus (../shared/corpus/bounces, 646 real mails with truth labels).
/// Reads ../shared, so it is skipped where that folder is absent (a user's own clone); CI lays it out.</summary>
public class BounceCorpusAccuracyTests(ITestOutputHelper output)
{
    // The targets: class 0.99, address 0.99, status 0.97, reason 0.90, no normal mail taken for a bounce. This code
    // reaches 0.998 / 0.992 / 0.986 (482 / 489) / 0.930 on 2026-12-07; the 7 status misses left are listed in the README
    // ("Accuracy") and printed below.
    private const double ClassFloor = 0.99;
    private const double AddressFloor = 0.99;
    private const double StatusFloor = 0.97;
    private const double ReasonFloor = 0.90;

    [CorpusFact]
    public void Corpus_EveryFile_RatesAtLeastTheFloorsAndNoNormalMailTakenForABounce()
    {
        var folder = CorpusFactAttribute.Folder!;
        int files = 0, classRight = 0, withAddress = 0, addressRight = 0, recipients = 0, statusRight = 0, reasonRight = 0;
        var normalTakenForBounce = new List<string>();
        var statusMisses = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(folder, "truth.jsonl")))
        {
            using var truth = JsonDocument.Parse(line);
            var root = truth.RootElement;
            var file = root.GetProperty("file").GetString()!;
            var report = BounceAnalyzer.Analyze(File.ReadAllBytes(Path.Combine(folder, "mail", file)));
            var expectedClass = root.GetProperty("class").GetString()!;
            files++;
            if (BounceClasses.Name(report.Class) == expectedClass)
                classRight++;
            if (expectedClass != "bounce" && report.IsBounce)
                normalTakenForBounce.Add(file);
            var expected = root.GetProperty("recipients").EnumerateArray().ToList();
            if (expectedClass != "bounce" || expected.Count == 0)
                continue;
            withAddress++;
            var expectedAddresses = expected.Select(r => r.GetProperty("address").GetString()!.ToLowerInvariant()).ToHashSet();
            if (expectedAddresses.SetEquals(report.Recipients.Select(r => r.Address.ToLowerInvariant())))
                addressRight++;
            var v5 = root.TryGetProperty("reasons_v5", out var list) ? list.EnumerateArray().Select(e => e.GetString()).ToList() : [];
            for (var i = 0; i < expected.Count; i++)
            {
                recipients++;
                var address = expected[i].GetProperty("address").GetString()!;
                var ours = report.Recipients.FirstOrDefault(r => r.Address.Equals(address, StringComparison.OrdinalIgnoreCase));
                var expectedStatus = expected[i].GetProperty("status").GetString();
                if (ours is null)
                {
                    statusMisses.Add($"{file}\t{address}\texpected {expectedStatus}\tnot found");
                    continue;
                }
                if (ours.Status == expectedStatus)
                    statusRight++;
                else
                    statusMisses.Add($"{file}\t{address}\texpected {expectedStatus}\tgot {ours.Status} ({ours.Reason})\t{ours.Diagnostic}");
                if (ours.Reason == expected[i].GetProperty("reason").GetString() || (i < v5.Count && ours.Reason == v5[i]))
                    reasonRight++;
            }
        }
        double Rate(int right, int of) => of == 0 ? 1 : (double)right / of;
        output.WriteLine($"class {classRight}/{files} = {Rate(classRight, files):P1}");
        output.WriteLine($"address {addressRight}/{withAddress} = {Rate(addressRight, withAddress):P1}");
        output.WriteLine($"status {statusRight}/{recipients} = {Rate(statusRight, recipients):P1}");
        output.WriteLine($"reason {reasonRight}/{recipients} = {Rate(reasonRight, recipients):P1}");
        output.WriteLine($"normal mail taken for a bounce: {normalTakenForBounce.Count}");
        // Every status miss, so a change can be judged by which ones it wins or loses (the Bounces README, "Accuracy",
        // groups them by cause).
        output.WriteLine($"status misses ({statusMisses.Count}):");
        foreach (var miss in statusMisses)
            output.WriteLine(miss);

        Assert.Empty(normalTakenForBounce);
        Assert.True(Rate(classRight, files) >= ClassFloor, $"class {Rate(classRight, files):P1}");
        Assert.True(Rate(addressRight, withAddress) >= AddressFloor, $"address {Rate(addressRight, withAddress):P1}");
        Assert.True(Rate(statusRight, recipients) >= StatusFloor, $"status {Rate(statusRight, recipients):P1}");
        Assert.True(Rate(reasonRight, recipients) >= ReasonFloor, $"reason {Rate(reasonRight, recipients):P1}");
    }

    /// <summary>The pipeline analyzes only mail that passes <see cref="BounceAnalyzer.MayBeReport"/>: a report it turns
    /// away would become a customer ticket.</summary>
    [CorpusFact]
    public void Corpus_EveryReport_PassesTheHeaderLook()
    {
        var folder = CorpusFactAttribute.Folder!;
        var turnedAway = new List<string>();
        var reports = 0;
        foreach (var line in File.ReadLines(Path.Combine(folder, "truth.jsonl")))
        {
            using var truth = JsonDocument.Parse(line);
            var file = truth.RootElement.GetProperty("file").GetString()!;
            var bytes = File.ReadAllBytes(Path.Combine(folder, "mail", file));
            if (!BounceAnalyzer.Analyze(bytes).IsBounce)
                continue;
            reports++;
            if (!BounceAnalyzer.MayBeReport(bytes))
                turnedAway.Add(file);
        }
        output.WriteLine($"{reports} reports, {turnedAway.Count} turned away by the header look");
        Assert.True(reports > 400, $"only {reports} reports recognised");
        Assert.Empty(turnedAway);
    }
}

/// <summary>A fact that needs ../shared/corpus/bounces beside the clone; skipped, saying why, where it is absent.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public static readonly string? Folder = FindCorpus();

    public CorpusFactAttribute()
    {
        if (Folder is null)
            Skip = "../shared/corpus/bounces is not beside this clone (CI lays it out).";
    }

    private static string? FindCorpus()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (!File.Exists(Path.Combine(folder.FullName, "Madoguchi.slnx")))
                continue;
            var path = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "corpus", "bounces"));
            return File.Exists(Path.Combine(path, "truth.jsonl")) ? path : null;
        }
        return null;
    }
}
