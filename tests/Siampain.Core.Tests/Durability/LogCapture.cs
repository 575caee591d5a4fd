using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Siampain.Tests.Durability;

internal sealed record CapturedLog(string Category, LogLevel Level, int EventId, string Message);

/// <summary>Keeps every log line of a whole terminal (all categories), so tests can check what an operator sees.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public bool Has(int eventId) => _entries.Any(e => e.EventId == eventId);

    public string Tail(int lines) => string.Join("\n", _entries.TakeLast(lines).Select(e => $"{e.Level} {e.EventId} {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(category, logLevel, eventId.Id, formatter(state, exception)));
    }
}
