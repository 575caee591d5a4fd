using LiteDB;
using Siampain.Storage;

namespace Siampain.Attendance;

/// <summary>Courses, sessions and attendance records in the terminal's database.</summary>
public sealed class AttendanceStore
{
    internal const string CoursesCollection = "courses";
    internal const string SessionsCollection = "sessions";
    internal const string RecordsCollection = "attendance";

    public AttendanceStore(SiampainDatabase db)
    {
        ArgumentNullException.ThrowIfNull(db);
        Database = db;
        db.Write(() =>
        {
            Records.EnsureIndex(r => r.SessionId);
            Sessions.EnsureIndex(s => s.State);
        }, durable: false);
    }

    public SiampainDatabase Database { get; }

    internal ILiteCollection<Course> Courses => Database.Collection<Course>(CoursesCollection);

    internal ILiteCollection<Session> Sessions => Database.Collection<Session>(SessionsCollection);

    internal ILiteCollection<AttendanceRecord> Records => Database.Collection<AttendanceRecord>(RecordsCollection);

    public IReadOnlyList<Course> ListCourses() => Courses.FindAll().OrderBy(c => c.Id, StringComparer.Ordinal).ToList();

    public Course? FindCourse(string id) => Courses.FindById(id);

    /// <summary>Adds or replaces courses by id, all in one transaction.</summary>
    public void SaveCourses(IEnumerable<Course> courses)
    {
        ArgumentNullException.ThrowIfNull(courses);
        Database.Write(() =>
        {
            foreach (var course in courses)
            {
                Courses.Upsert(course);
            }
        });
    }

    public Session? FindSession(string id) => Sessions.FindById(id);

    public IReadOnlyList<Session> SessionsInState(SessionState state) => Sessions.Find(s => s.State == state).ToList();

    public IReadOnlyList<Session> ListSessions(string? courseId = null, DateOnly? date = null) =>
        Sessions.FindAll()
            .Where(s => (courseId is null || s.CourseId == courseId) && (date is null || s.Date == date))
            .OrderBy(s => s.Start)
            .ToList();

    /// <summary>A session's records in the order they were decided.</summary>
    public IReadOnlyList<AttendanceRecord> RecordsOf(string sessionId) =>
        Records.Find(r => r.SessionId == sessionId).OrderBy(r => r.Sequence).ToList();
}
