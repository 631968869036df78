// Starts Blazor so that a dashboard left open comes back by itself: it retries the circuit
// forever (backing off to 5 s), and reloads the page when the server answers but no longer knows
// this circuit (it restarted; the reloaded page shows what came back). Blazor marks
// #components-reconnect-modal with a class per state; app.css shows the matching message.
//
// While the circuit is down no component can render, so the header's status (HubStatus) would
// say "live" for as long as the server is gone: <html> gets circuit-down at once instead, and
// app.css swaps the header's label for "offline".
(() => {
    const modal = document.getElementById('components-reconnect-modal');
    const down = ['components-reconnect-show', 'components-reconnect-retrying', 'components-reconnect-failed', 'components-reconnect-rejected'];
    new MutationObserver(() => {
        document.documentElement.classList.toggle('circuit-down', down.some(c => modal.classList.contains(c)));
        if (modal.classList.contains('components-reconnect-rejected')) {
            location.reload();
        } else if (modal.classList.contains('components-reconnect-failed')) {
            setTimeout(() => Blazor.reconnect().catch(() => { }), 2000);
        }
    }).observe(modal, { attributes: true, attributeFilter: ['class'] });

    Blazor.start({
        circuit: {
            reconnectionOptions: {
                maxRetries: 100000,
                retryIntervalMilliseconds: attempt => Math.min(5000, 250 * 2 ** attempt),
            },
        },
    });
})();
