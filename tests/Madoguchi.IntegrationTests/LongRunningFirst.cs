using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Madoguchi.IntegrationTests.LongRunningFirstOrderer", "Madoguchi.IntegrationTests")]

namespace Madoguchi.IntegrationTests;

/// <summary>A test class that runs for minutes (thousands of messages, crash rounds). Such classes start first: a class
/// of minutes that happens to start late keeps running alone after everything else has finished, and the whole tier
/// waits for it (one ran 100 s alone at the end of a full run).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LongRunningAttribute : Attribute;

/// <summary>Starts the test classes marked <see cref="LongRunningAttribute"/> first (by name); the
/// others follow in xunit's default order. Only the order changes: every class runs.</summary>
public sealed class LongRunningFirstOrderer : ITestCollectionOrderer
{
    // xunit names the collection of a class without [Collection] after the class.
    private const string ClassCollectionPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var all = testCollections.ToList();
        var first = all.Where(IsLongRunning).OrderBy(c => c.DisplayName, StringComparer.Ordinal).ToList();
        var rest = new DefaultTestCollectionOrderer().OrderTestCollections(all.Except(first));
        return [.. first, .. rest];
    }

    private static bool IsLongRunning(ITestCollection collection) =>
        collection.DisplayName.StartsWith(ClassCollectionPrefix, StringComparison.Ordinal)
        && typeof(LongRunningFirstOrderer).Assembly.GetType(collection.DisplayName[ClassCollectionPrefix.Length..])?
            .IsDefined(typeof(LongRunningAttribute), inherit: false) == true;
}
