// Starts Blazor so that a dashboard left open comes back by itself: it retries the circuit
// forever (backing off to 5 s), and reloads the page when the server answers but no longer knows
// this circuit (it restarted). Blazor marks #components-reconnect-modal with a class per state;
// app.css shows the matching message.
(() => {
    const modal = document.getElementById('components-reconnect-modal');
    new MutationObserver(() => {
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
