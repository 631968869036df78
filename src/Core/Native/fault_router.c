/*
 * Routes a kernel's hardware faults (SIGSEGV, SIGFPE) to whichever of .NET and Python's
 * faulthandler owns the code that faulted.
 *
 * Both want these signals. .NET turns a fault in managed code into an exception
 * (NullReferenceException, DivideByZeroException); faulthandler writes the Python traceback of a
 * crash in C code. Whoever installs last sees every fault first, and neither can hand a fault on
 * to the other with its context: faulthandler re-raises (the context is lost, and .NET, reached
 * that way, aborts), and .NET chains only to the handler it found when the runtime started, long
 * before Python did. So a kernel installs this router over both and decides by the faulting
 * instruction: in a shared object that is not the .NET runtime's (libpython, a C extension, libc),
 * faulthandler's; anywhere else (JIT-compiled or ReadyToRun code, the runtime's own helpers),
 * .NET's. A fault .NET declines (it resets the signal to its default action to end the process)
 * still goes to faulthandler, for the traceback.
 *
 * Order: bufferscope_faults_prepare() before faulthandler.enable(), which then finds the default
 * action and re-raises into it (the process ends on the signal it reported); then
 * bufferscope_faults_route(). Both once, on the Python thread, at the kernel's start.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

/* The fatal signals faulthandler.enable() takes (Modules/faulthandler.c), and those of them that
   .NET turns into exceptions. */
static const int fatal[] = { SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL };
static const int routed[] = { SIGSEGV, SIGFPE };

static struct sigaction dotnet_action[NSIG];
static struct sigaction python_action[NSIG];
static char runtime_dir[4096];
static size_t runtime_dir_length;

static void *faulting_instruction(void *context)
{
    const ucontext_t *uc = context;
#if defined(__x86_64__)
    return (void *)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (void *)uc->uc_mcontext.pc;
#else
#error "fault_router.c: add this architecture's program counter"
#endif
}

/* dladdr takes the loader's lock: a fault inside dlopen would hang here, and the kernel's time
   limit then kills it, reported as such, instead of its ending on the signal. */
static int is_faulthandlers(void *pc)
{
    Dl_info where;
    if (dladdr(pc, &where) == 0 || where.dli_fname == NULL)
        return 0; /* not in a loaded shared object: JIT-compiled or ReadyToRun code */
    return strncmp(where.dli_fname, runtime_dir, runtime_dir_length) != 0;
}

static void call(const struct sigaction *action, int signal, siginfo_t *info, void *context)
{
    if (action->sa_flags & SA_SIGINFO)
        action->sa_sigaction(signal, info, context);
    else if (action->sa_handler != SIG_DFL && action->sa_handler != SIG_IGN)
        action->sa_handler(signal);
}

static int is_default(int signal)
{
    struct sigaction now;
    return sigaction(signal, NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL;
}

static void route(int signal, siginfo_t *info, void *context)
{
    if (!is_faulthandlers(faulting_instruction(context)))
    {
        call(&dotnet_action[signal], signal, info, context);
        if (!is_default(signal))
            return; /* .NET handled it: an exception is on its way, or the process is ending its way */
    }
    /* faulthandler writes the traceback, resets the signal to the default action, re-raises it. */
    call(&python_action[signal], signal, info, context);
}

/* Keeps .NET's handlers, and leaves the fatal signals at their default action for faulthandler to find. 0 on success. */
int bufferscope_faults_prepare(void)
{
    for (size_t i = 0; i < sizeof routed / sizeof routed[0]; i++)
        if (sigaction(routed[i], NULL, &dotnet_action[routed[i]]) != 0 || !(dotnet_action[routed[i]].sa_flags & SA_SIGINFO))
            return -1;

    Dl_info where;
    if (dladdr((void *)dotnet_action[SIGSEGV].sa_sigaction, &where) == 0 || where.dli_fname == NULL)
        return -2;
    const char *slash = strrchr(where.dli_fname, '/');
    runtime_dir_length = slash == NULL ? 0 : (size_t)(slash - where.dli_fname) + 1;
    if (runtime_dir_length == 0 || runtime_dir_length >= sizeof runtime_dir)
        return -3;
    memcpy(runtime_dir, where.dli_fname, runtime_dir_length);

    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        if (sigaction(fatal[i], &fallback, NULL) != 0)
            return -4;
    return 0;
}

/* Keeps faulthandler's handlers and installs the router over them. 0 on success. */
int bufferscope_faults_route(void)
{
    for (size_t i = 0; i < sizeof routed / sizeof routed[0]; i++)
    {
        int signal = routed[i];
        if (sigaction(signal, NULL, &python_action[signal]) != 0)
            return -1;
        /* .NET's own flags and mask, since .NET's handler runs inside this one: on the alternate
           stack, with its thread-activation signal (how its GC suspends threads) blocked there.
           Installed with faulthandler's flags instead (SA_NODEFER, an empty mask), a handled
           NullReferenceException left the kernel corrupt: a run or two later it died in free()
           or in the GC (ClrTests). faulthandler's re-raise is deferred until the router returns,
           which is when the process ends. */
        struct sigaction router = dotnet_action[signal];
        router.sa_sigaction = route;
        if (sigaction(signal, &router, NULL) != 0)
            return -2;
    }
    return 0;
}
