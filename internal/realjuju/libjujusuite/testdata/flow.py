"""A client's flow through python-libjuju against the controller in JUJU_DATA.

Usage: flow.py LIBJUJU_DIR CHARM_DIR CHARMHUB_URL SSH_JUMP_HOST
Prints "ok: STEP" for each step that passes and "FAIL: STEP: error" for
the first that fails (the model is destroyed all the same); exits non-zero
when a step failed. CHARMHUB_URL is the model's charmhub-url:
python-libjuju's deploy asks Charmhub itself whether a charm is a
subordinate. SSH_JUMP_HOST (host:port) is the simulator's SSH server:
python-libjuju's unit.ssh runs OpenSSH straight to the machine's address,
which only a ProxyCommand through the jump host reaches.
"""

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, sys.argv[1])

from juju.controller import Controller  # noqa: E402

CHARM_DIR = sys.argv[2]
CHARMHUB_URL = sys.argv[3]
SSH_JUMP_HOST = sys.argv[4]
MODEL = 'libjuju-flow'
step = 'start'
failed = []


def ok(name):
    print('ok: ' + name, flush=True)


def fail(e):
    failed.append(step)
    print('FAIL: %s: %s' % (step, str(e) or type(e).__name__), flush=True)
    traceback.print_exc()


async def flow():
    global step
    step = 'connect'
    controller = Controller()
    await controller.connect()
    try:
        assert controller.controller_uuid, controller
        ok(step)
        await models(controller)
    finally:
        step = 'disconnect'
        await controller.disconnect()
        ok(step)


async def models(controller):
    global step
    step = 'add_model'
    model = await controller.add_model(MODEL, config={'charmhub-url': CHARMHUB_URL})
    ok(step)

    step = 'list_models'
    names = await controller.list_models()
    assert MODEL in names, names
    ok(step)

    try:
        await in_model(controller, model)
    except Exception as e:  # noqa: BLE001
        fail(e)
    finally:
        await model.disconnect()

    step = 'destroy_model'
    await controller.destroy_model(MODEL, destroy_storage=True, force=True, max_wait=30)
    for _ in range(100):
        if MODEL not in await controller.list_models():
            break
        await asyncio.sleep(0.1)
    assert MODEL not in await controller.list_models()
    ok(step)


async def in_model(controller, model):
    global step
    step = 'deploy charmhub'
    mysql = await model.deploy('mysql', channel='8.0/stable')
    wordpress = await model.deploy('wordpress', config={'blog-name': 'libjuju'})
    assert mysql.name == 'mysql' and wordpress.name == 'wordpress', (mysql, wordpress)
    ok(step)

    step = 'config'
    await wordpress.set_config({'tuning': 'optimized'})
    cfg = await wordpress.get_config()
    assert cfg['tuning']['value'] == 'optimized', cfg['tuning']
    assert cfg['blog-name']['value'] == 'libjuju', cfg['blog-name']
    ok(step)

    step = 'integrate'
    rel = await model.integrate('wordpress:db', 'mysql:mysql')
    assert rel is not None
    ok(step)

    step = 'wait_for_idle'
    await model.wait_for_idle(apps=['mysql', 'wordpress'], status='active', timeout=60, idle_period=0.5)
    unit = model.applications['wordpress'].units[0]
    assert unit.workload_status == 'active', unit.workload_status
    assert unit.agent_status == 'idle', unit.agent_status
    assert model.applications['wordpress'].status == 'active'
    assert any(r.matches('wordpress:db', 'mysql:mysql') for r in model.relations), model.relations
    machine = model.machines[unit.machine.id]
    assert machine.agent_status == 'started', machine.agent_status
    assert machine.agent_status_since is not None
    assert unit.workload_status_since is not None
    ok(step)

    step = 'status'
    status = await model.get_status()
    assert status.applications['wordpress'].status.status == 'active', status.applications['wordpress'].status
    assert 'wordpress/0' in status.applications['wordpress'].units, status.applications['wordpress'].units
    assert status.model.name == MODEL, status.model
    assert model.info.name == MODEL, model.info
    ok(step)

    step = 'action'
    action = await model.applications['mysql'].units[0].run_action('get-password')
    action = await action.wait()
    assert action.status == 'completed', action.status
    assert action.results.get('password') == 's3cr3t', action.results
    unit = model.applications['wordpress'].units[0]
    task = await unit.run('echo hello', block=True)
    assert task.status == 'completed', task.status
    assert task.results.get('return-code') == 0 and task.results.get('stdout') == 'hello\n', task.results
    ok(step)

    step = 'secrets'
    uri = await model.add_secret('lsecret', ['username=admin', 'password=hunter2'], info='for tests')
    await model.grant_secret('lsecret', 'wordpress')
    secrets = await model.list_secrets(show_secrets=True)
    assert any(s.uri == uri for s in secrets), secrets
    shown = [s for s in secrets if s.uri == uri][0]
    assert shown.value.data, shown.value
    await model.update_secret('lsecret', ['password=changed'], new_name='lsecret2')
    secrets = await model.list_secrets()
    assert any(s.label == 'lsecret2' for s in secrets), secrets
    await model.remove_secret('lsecret2')
    ok(step)

    step = 'config and constraints'
    await wordpress.reset_config(['tuning'])
    cfg = await wordpress.get_config()
    assert cfg['tuning']['value'] == 'single', cfg['tuning']
    assert cfg['tuning']['source'] == 'default', cfg['tuning']
    await model.set_config({'update-status-hook-interval': '7m'})
    mcfg = await model.get_config()
    assert mcfg['update-status-hook-interval'].value == '7m', mcfg['update-status-hook-interval']
    assert mcfg['update-status-hook-interval'].source == 'model', mcfg['update-status-hook-interval']
    await wordpress.set_constraints({'mem': 2048, 'cores': 2})
    cons = await wordpress.get_constraints()
    assert cons.get('mem') == 2048 and cons.get('cores') == 2, cons
    await wordpress.set_annotations({'team': 'web'})
    assert (await wordpress.get_annotations()).get('team') == 'web'
    ok(step)

    step = 'expose'
    await wordpress.expose()
    await model.block_until(lambda: wordpress.exposed, timeout=10)
    status = await model.get_status(filters=['wordpress'])
    assert status.applications['wordpress'].exposed, status.applications['wordpress']
    assert 'mysql' not in status.applications, list(status.applications)
    await wordpress.unexpose()
    await model.block_until(lambda: not wordpress.exposed, timeout=10)
    ok(step)

    step = 'relations and leadership'
    rel = [r for r in model.relations if r.matches('wordpress:db', 'mysql:mysql')][0]
    assert {a.name for a in rel.applications} == {'wordpress', 'mysql'}, rel.applications
    assert rel.provides.application_name == 'mysql' and rel.requires.application_name == 'wordpress', (rel.provides, rel.requires)
    assert not rel.is_peer
    assert sorted((e.application_name, e.name) for e in rel.endpoints) == [('mysql', 'mysql'), ('wordpress', 'db')], rel.endpoints
    leader = model.applications['mysql'].units[0]
    assert await leader.is_leader_from_status(), leader
    assert await leader.get_public_address(), leader
    ok(step)

    step = 'action with params'
    actions = await model.applications['mysql'].get_actions()
    assert 'set-password' in actions, actions
    action = await leader.run_action('set-password', username='root', password='n3w')
    action = await action.wait()
    assert action.status == 'completed', action.status
    assert action.parameters == {'username': 'root', 'password': 'n3w'}, action.parameters
    ok(step)

    step = 'ssh'
    if shutil.which('ssh') is None:
        print('skip: ssh (no OpenSSH client)', flush=True)
    else:
        await ssh(model)

    step = 'scale'
    await wordpress.add_unit()
    await model.wait_for_idle(apps=['wordpress'], status='active', timeout=60, idle_period=0.5, wait_for_exact_units=2)
    ok(step)

    step = 'deploy local'
    res = os.path.join(tempfile.mkdtemp(), 'data.txt')
    with open(res, 'w') as f:
        f.write('some data\n')
    local = await model.deploy(CHARM_DIR, application_name='local', resources={'data': res}, config={'greeting': 'hi'})
    await model.integrate('local:db', 'mysql:mysql')
    await model.wait_for_idle(apps=['local'], timeout=60, idle_period=0.5)
    cfg = await local.get_config()
    assert cfg['greeting']['value'] == 'hi', cfg['greeting']
    ok(step)

    step = 'offer and consume'
    await model.create_offer('mysql:mysql', offer_name='db')
    other = await controller.get_model('default')
    try:
        await other.consume('admin/%s.db' % MODEL, application_alias='extdb')
        await other.block_until(lambda: 'extdb' in other.remote_applications, timeout=30)
        await other.remove_saas('extdb')
    finally:
        await other.disconnect()
    await model.remove_offer('admin/%s.db' % MODEL, force=True)
    ok(step)

    step = 'remove'
    await model.destroy_unit('wordpress/1')
    await model.block_until(lambda: len(wordpress.units) == 1, timeout=30)
    await wordpress.remove_relation('db', 'mysql:mysql')
    await asyncio.wait_for(model.remove_application('wordpress', block_until_done=True), 30)
    assert 'wordpress' not in model.applications
    ok(step)


async def ssh(model):
    # unit.ssh runs OpenSSH to the machine's address, port 22, with the
    # key python-libjuju put in the model's authorized-keys at add_model.
    # Only the simulator's jump host serves it: a ProxyCommand goes there,
    # and ssh -G first checks that ssh would never dial the address itself.
    host, port = SSH_JUMP_HOST.rsplit(':', 1)
    key = os.path.join(os.environ['JUJU_DATA'], 'ssh', 'juju_id_rsa')
    opts = ['-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o',
            'ProxyCommand=ssh -i %s -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -q -W %%h:%%p ubuntu@%s'
            % (key, port, host)]
    unit = model.applications['wordpress'].units[0]
    dest = 'ubuntu@' + unit.machine.dns_name
    config = subprocess.run(['ssh', '-G', '-i', key, '-o', 'StrictHostKeyChecking=no', '-q', dest] + opts + ['true'],
                            capture_output=True, text=True, check=True).stdout
    assert 'proxycommand ssh -i ' in config, config
    out = await asyncio.wait_for(unit.ssh('echo hello', ssh_opts=opts), 30)
    assert out == 'hello\n', out
    ok(step)


def main():
    logging.basicConfig(level=logging.WARNING)
    try:
        asyncio.run(asyncio.wait_for(flow(), 100))
    except Exception as e:  # noqa: BLE001
        fail(e)
    if failed:
        sys.exit(1)


main()
