namespace Siampain.Evaluation;

/// <summary>
/// Reports on the calling thread. Progress&lt;T&gt; posts to the thread pool, so counters updated in its callback
/// race and a progress bar can be drawn after the work has finished.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
