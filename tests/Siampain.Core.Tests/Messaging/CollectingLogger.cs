using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Siampain.Tests.Messaging;

internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message);

/// <summary>Keeps every log line so tests can check that an operator would see the right one.</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception)));
}
