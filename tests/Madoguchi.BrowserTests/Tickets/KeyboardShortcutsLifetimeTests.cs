using Bunit;
using Madoguchi.Web.Ui.Tickets;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace Madoguchi.BrowserTests.Tickets;

/// <summary>The shortcuts component loads its script after the first render. The inbox screen can drop it before the
/// script arrives (its first render shows the list, the next may not); attaching then handed JavaScript a disposed
/// reference, which ends the whole Blazor circuit and freezes the screen on whatever it showed last. Rendered with bUnit
/// so that the moment the script arrives is the test's to choose.</summary>
public sealed class KeyboardShortcutsLifetimeTests
{
    [Fact]
    public async Task ScriptArrivesAfterTheScreenDroppedIt_NothingIsAttachedAndTheCircuitLives()
    {
        var browser = new HeldImports();
        await using var ctx = NewContext(browser);
        var module = new RecordingModule();
        ctx.Render<KeyboardShortcuts>(p => p.Add(c => c.Next, () => { }));

        await ctx.DisposeComponentsAsync();
        browser.Arrive("/js/shortcuts.js", module);

        await Task.WhenAny(module.Disposed.Task, ctx.Renderer.UnhandledException, Task.Delay(TimeSpan.FromSeconds(10)));
        await AssertNoUnhandledExceptionAsync(ctx);
        Assert.Empty(module.Calls);
        Assert.True(module.Disposed.Task.IsCompleted, "The script module that arrived late was not released.");
    }

    [Fact]
    public async Task ScriptArrivesWhileTheScreenShows_ItIsAttachedOnceAndDetachedWhenDropped()
    {
        var browser = new HeldImports();
        await using var ctx = NewContext(browser);
        var module = new RecordingModule();
        ctx.Render<KeyboardShortcuts>(p => p.Add(c => c.Next, () => { }));

        browser.Arrive("/js/shortcuts.js", module);
        await module.Attached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await ctx.DisposeComponentsAsync();

        Assert.Equal(["attach"], module.Calls);
        Assert.True(module.Listener.DisposeCalled, "The key listener was not removed from the page.");
        Assert.True(module.Disposed.Task.IsCompleted, "The script module was not released.");
        await AssertNoUnhandledExceptionAsync(ctx);
    }

    private static async Task AssertNoUnhandledExceptionAsync(BunitContext ctx)
    {
        if (ctx.Renderer.UnhandledException.IsCompleted)
            Assert.Fail("The circuit would have ended: " + await ctx.Renderer.UnhandledException);
    }

    private static BunitContext NewContext(HeldImports browser)
    {
        var ctx = new BunitContext();
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        ctx.Services.AddSingleton<IJSRuntime>(browser);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    /// <summary>Stands in for the browser: a module import waits until the test says it arrived; other calls answer
    /// at once with nothing.</summary>
    private sealed class HeldImports : IJSRuntime
    {
        private readonly Dictionary<string, TaskCompletionSource<IJSObjectReference>> _imports = [];

        public void Arrive(string path, IJSObjectReference module) => Import(path).SetResult(module);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, default, args);

        public async ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            identifier == "import" && args is [string path] ? (TValue)await Import(path).Task : default!;

        private TaskCompletionSource<IJSObjectReference> Import(string path)
        {
            lock (_imports)
            {
                if (!_imports.TryGetValue(path, out var import))
                    _imports[path] = import = new(TaskCreationOptions.RunContinuationsAsynchronously);
                return import;
            }
        }
    }

    /// <summary>Stands in for the browser's module: like the real JS runtime, it reads every .NET reference it is handed
    /// (serialising a disposed one throws).</summary>
    private sealed class RecordingModule : IJSObjectReference
    {
        public List<string> Calls { get; } = [];
        public TaskCompletionSource Attached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public RecordingListener Listener { get; } = new();

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, default, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            foreach (var reference in args?.OfType<DotNetObjectReference<KeyboardShortcuts>>() ?? [])
                _ = reference.Value;
            Calls.Add(identifier);
            Attached.TrySetResult();
            return ValueTask.FromResult((TValue)(object)Listener);
        }

        public ValueTask DisposeAsync()
        {
            Disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingListener : IJSObjectReference
    {
        public bool DisposeCalled { get; private set; }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, default, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            DisposeCalled |= identifier == "dispose";
            return ValueTask.FromResult(default(TValue)!);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
