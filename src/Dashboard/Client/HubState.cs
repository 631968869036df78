namespace Bufferscope.Dashboard.Client;

/// <summary>Where the dashboard's hub connection stands, as a person would say it.</summary>
public enum HubState
{
    Connecting,
    Connected,
    Reconnecting,
    Disconnected,
}
