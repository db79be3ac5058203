namespace Madoguchi.Testing.Servers;

/// <summary>
/// Runs the registered clean-ups when the test process ends, so a run that forgets to
/// dispose a fixture (or is stopped with Ctrl+C) does not leave servers behind.
/// </summary>
internal static class ProcessExitCleanup
{
    private static readonly List<Action> Cleanups = [];
    private static readonly Lock Gate = new();
    private static bool hooked;

    public static void Register(Action cleanup)
    {
        lock (Gate)
        {
            if (!hooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
                Console.CancelKeyPress += (_, _) => RunAll();
                hooked = true;
            }

            Cleanups.Add(cleanup);
        }
    }

    public static void Unregister(Action cleanup)
    {
        lock (Gate)
        {
            Cleanups.Remove(cleanup);
        }
    }

    private static void RunAll()
    {
        Action[] pending;
        lock (Gate)
        {
            pending = [.. Cleanups];
            Cleanups.Clear();
        }

        foreach (var cleanup in pending)
        {
            try
            {
                cleanup();
            }
            catch (Exception)
            {
                // Best effort at exit: one failing clean-up must not keep the others from running.
            }
        }
    }
}
