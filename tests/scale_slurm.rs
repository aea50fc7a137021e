//! A real engine: a single-node Slurm cluster (Debian's `slurm-wlm` and
//! `munge`) started in a temporary directory runs the array job of
//! `examples/scale/slurm-array.sbatch` over a generated archive and the
//! merge of `examples/scale/slurm-merge.sbatch` after it; the merged review
//! must equal a single-machine scan of the same archive.
//!
//! Skipped, with a message, where Slurm or munge is not installed or the
//! test does not run as root (slurmd must start jobs as their user).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TOOLS: [&str; 6] = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"];

fn found(tool: &str) -> bool {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .any(|dir| Path::new(dir).join(tool).is_file())
}

/// The daemons of one cluster, stopped (by their own pid files) on drop.
struct Cluster {
    dir: tempfile::TempDir,
    conf: PathBuf,
}

impl Cluster {
    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["state", "spool", "log", "munge"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let mut key = vec![0u8; 1024];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").unwrap(), &mut key)
            .unwrap();
        let key_file = root.join("munge/munge.key");
        std::fs::write(&key_file, &key).unwrap();
        std::fs::set_permissions(
            &key_file,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        let socket = root.join("munge/socket");
        run(Command::new("munged")
            .arg(format!("--key-file={}", key_file.display()))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--pid-file={}", root.join("munge/pid").display()))
            .arg(format!("--log-file={}", root.join("munge/log").display()))
            .arg(format!("--seed-file={}", root.join("munge/seed").display()))
            .arg("--force"));
        let host = String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_owned();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Ports of this run only, so a second cluster (or a real one) does
        // not answer.
        let port = 20000 + (std::process::id() % 20000) as u16;
        let r = root.display();
        let conf = format!(
            "ClusterName=prepubtest\nSlurmctldHost={host}\nAuthType=auth/munge\n\
             AuthInfo=socket={socket}\nCredType=cred/munge\nSlurmUser=root\nSlurmdUser=root\n\
             SlurmctldPort={port}\nSlurmdPort={port2}\nStateSaveLocation={r}/state\n\
             SlurmdSpoolDir={r}/spool\nSlurmctldPidFile={r}/ctld.pid\nSlurmdPidFile={r}/d.pid\n\
             SlurmctldLogFile={r}/log/ctld.log\nSlurmdLogFile={r}/log/d.log\n\
             ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n\
             JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n\
             SchedulerType=sched/builtin\nSelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n\
             ReturnToService=2\nMpiDefault=none\n\
             NodeName={host} CPUs={cpus} State=UNKNOWN\n\
             PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
            socket = socket.display(),
            port2 = port + 1,
        );
        let conf_file = root.join("slurm.conf");
        std::fs::write(&conf_file, conf).unwrap();
        let cluster = Cluster {
            dir,
            conf: conf_file,
        };
        run(cluster.command("slurmctld").arg("-c"));
        run(&mut cluster.command("slurmd"));
        let started = Instant::now();
        loop {
            let state = cluster.output(cluster.command("sinfo").args(["-h", "-o", "%T"]));
            if state.trim() == "idle" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the node never became idle ({state:?}): {}",
                cluster.logs()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        cluster
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("SLURM_CONF", &self.conf);
        command
    }

    fn output(&self, command: &mut Command) -> String {
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{command:?}: {}\n{}",
            String::from_utf8_lossy(&output.stderr),
            self.logs()
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn logs(&self) -> String {
        let mut text = String::new();
        for log in ["log/ctld.log", "log/d.log", "munge/log"] {
            let body = std::fs::read_to_string(self.root().join(log)).unwrap_or_default();
            let tail: Vec<&str> = body.lines().rev().take(15).collect();
            text.push_str(&format!("--- {log}\n"));
            for line in tail.into_iter().rev() {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for pid_file in ["d.pid", "ctld.pid", "munge/pid"] {
            if let Ok(pid) = std::fs::read_to_string(self.root().join(pid_file))
                && let Ok(pid) = pid.trim().parse::<i32>()
            {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn run(command: &mut Command) {
    let status = command.status().unwrap();
    assert!(status.success(), "{command:?} failed: {status}");
}

fn without_start_time(mut review: Value) -> Value {
    review.as_object_mut().unwrap().remove("started_at");
    review
}

#[test]
fn a_slurm_array_job_of_shards_merges_to_the_single_machine_review() {
    let missing: Vec<&str> = TOOLS.into_iter().filter(|tool| !found(tool)).collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped: Slurm is not installed (missing {}); apt-get install slurm-wlm munge",
            missing.join(", ")
        );
        return;
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: starting slurmctld and slurmd needs root");
        return;
    }
    let cluster = Cluster::start();
    let work = cluster.root().join("work");
    let shards = 3;
    for n in 0..40 {
        let text = match n % 4 {
            0 => format!("第{n}号通知\n机密★1年\n"),
            1 => format!("第{n}号名单\n联系电话13912345678\n"),
            2 => format!("第{n}号简报\n（此件公开发布）\n"),
            _ => format!("第{n}号简报\n内容略。\n"),
        };
        let path = work.join(format!("archive/d{}/doc{n:02}.txt", n % 5));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(work.join("out")).unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scale");
    let submit = |extra: &[&str], script: &str| -> String {
        cluster
            .output(
                cluster
                    .command("sbatch")
                    .args(["--parsable", "--chdir"])
                    .arg(&work)
                    .args(extra)
                    .arg(examples.join(script))
                    .env("ARCHIVE", "archive")
                    .env("OUT", "out")
                    .env("PREPUB", env!("CARGO_BIN_EXE_prepub")),
            )
            .trim()
            .to_owned()
    };
    let array = submit(
        &[&format!("--array=0-{}", shards - 1)],
        "slurm-array.sbatch",
    );
    let merge = submit(
        &[&format!("--dependency=afterok:{array}")],
        "slurm-merge.sbatch",
    );
    let started = Instant::now();
    loop {
        let queued = cluster.output(cluster.command("squeue").args([
            "-h",
            "-j",
            &format!("{array},{merge}"),
        ]));
        if queued.trim().is_empty() {
            break;
        }
        if queued.contains("DependencyNeverSatisfied") {
            panic!("a shard failed: {queued}\n{}", logs_of(&work));
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "jobs still queued after 10 minutes: {queued}\n{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    for index in 0..shards {
        let shard: Value = serde_json::from_slice(
            &std::fs::read(work.join(format!("out/shard-{index}.json")))
                .unwrap_or_else(|e| panic!("shard {index}: {e}\n{}", logs_of(&work))),
        )
        .unwrap();
        assert_eq!(
            shard["options"]["shard"]["indexes"],
            serde_json::json!([index + 1]),
            "task {index} ran shard {}",
            index + 1
        );
    }
    let merged: Value = serde_json::from_slice(
        &std::fs::read(work.join("out/review.json"))
            .unwrap_or_else(|e| panic!("merged review: {e}\n{}", logs_of(&work))),
    )
    .unwrap();
    assert!(work.join("out/review.html").is_file());
    let single = Command::new(env!("CARGO_BIN_EXE_prepub"))
        .current_dir(&work)
        .args([
            "scan",
            "archive",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert!(single.status.success());
    let single: Value = serde_json::from_slice(&single.stdout).unwrap();
    assert_eq!(merged["summary"]["documents"], 40);
    assert_eq!(merged["documents"], single["documents"]);
    assert_eq!(merged["summary"], single["summary"]);
    assert_eq!(without_start_time(merged), without_start_time(single));
}

fn logs_of(work: &Path) -> String {
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(work) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".log") {
                text.push_str(&format!("--- {name}\n"));
                text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
    }
    text
}
